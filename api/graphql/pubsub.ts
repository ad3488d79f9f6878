import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { WorkflowEvent } from '../../controller/workflow/index.ts';

/** Topic of every engine event (workflowEvents). */
export const ALL_EVENTS = 'events';
/** Topic of one process's events (processUpdates). */
export const processTopic = (id: string): string => `process:${id}`;

type Queue = Readable & { close?: (() => void)[] };

/**
 * Mercurius's pubsub for this API replica. Events reach it from the engine's Redis channel
 * (feed), so every replica delivers every event to its own WebSocket subscribers; nothing is
 * published from GraphQL itself.
 */
export class EventPubSub {
  readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open subscription.
    this.emitter.setMaxListeners(0);
  }

  /** Called by mercurius for each subscription: pushes the topic's payloads into its queue. */
  subscribe(topic: string | string[], queue: Readable & { close: () => void }): Promise<void> {
    const q = queue as unknown as Queue;
    const topics = Array.isArray(topic) ? topic : [topic];
    const listener = (payload: unknown): void => {
      // The subscription may have ended while an event was on its way.
      if (!q.destroyed && !q.readableEnded) q.push(payload);
    };
    for (const t of topics) this.emitter.on(t, listener);
    q.close ??= [];
    q.close.push(() => {
      for (const t of topics) this.emitter.removeListener(t, listener);
    });
    return Promise.resolve();
  }

  publish(event: { topic: string; payload: unknown }, callback: () => void): void {
    this.emitter.emit(event.topic, event.payload);
    callback();
  }

  /** Delivers an engine event to workflowEvents and, when it has one, to its process's subscribers. */
  feed(event: WorkflowEvent): void {
    this.emitter.emit(ALL_EVENTS, event);
    if (event.processId) this.emitter.emit(processTopic(event.processId), event);
  }

  /** Number of open subscriptions (for tests and logs). */
  listenerCount(): number {
    return this.emitter.eventNames().reduce((n, name) => n + this.emitter.listenerCount(name), 0);
  }
}
