// Live updates over GraphQL subscriptions (graphql-ws on /graphql). The token goes in
// connection_init, never in the URL. Views treat events as "something changed" and refetch
// (or take the full process the subscription sends), so events that arrive out of order, twice,
// or not at all (a reconnect) never leave a view wrong for longer than the next event or refetch.
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { useEffect, useRef, useState } from 'react';

let client: Client | undefined;
let clientToken: string | null | undefined;

export type LiveState = 'connecting' | 'live' | 'offline';
const stateListeners = new Set<(state: LiveState) => void>();
let liveState: LiveState = 'connecting';
function setLiveState(state: LiveState): void {
  liveState = state;
  for (const listener of stateListeners) listener(state);
}

function socketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/graphql`;
}

/** The shared client for this token (a new token closes the old socket). */
export function liveClient(token: string | null): Client {
  if (client && clientToken === token) return client;
  void client?.dispose();
  clientToken = token;
  client = createClient({
    url: socketUrl(),
    lazy: true,
    lazyCloseTimeout: 3_000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: {
      connecting: () => setLiveState('connecting'),
      connected: () => setLiveState('live'),
      closed: () => setLiveState('offline'),
      error: () => setLiveState('offline'),
    },
  });
  return client;
}

/** Closes the socket (sign-out). */
export function closeLive(): void {
  void client?.dispose();
  client = undefined;
  clientToken = undefined;
  setLiveState('offline');
}

/** Whether the live connection is up, for the header's indicator. */
export function useLiveState(): LiveState {
  const [state, setState] = useState(liveState);
  useEffect(() => {
    stateListeners.add(setState);
    return () => {
      stateListeners.delete(setState);
    };
  }, []);
  return state;
}

/** An engine event as workflowEvents delivers it; `seq` numbers the events of one process 1, 2, 3... in commit order. */
export interface LiveEvent {
  readonly type: string;
  readonly processId: string | null;
  readonly workflow: string | null;
  readonly status: string | null;
  readonly intent: { readonly kind: string; readonly name: string } | null;
  readonly at: string;
  readonly seq: number;
}

const EVENTS = /* GraphQL */ `
  subscription Events {
    workflowEvents {
      type
      seq
      processId
      workflow
      status
      at
      intent {
        kind
        name
      }
    }
  }
`;

/**
 * Calls `onEvent` for every engine event while mounted. Handlers should be cheap (they mark
 * queries stale); the hook keeps the latest handler without resubscribing.
 */
export function useWorkflowEvents(token: string | null, onEvent: (event: LiveEvent) => void, enabled = true): void {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  useEffect(() => {
    if (!enabled) return undefined;
    const dispose = liveClient(token).subscribe<{ workflowEvents: LiveEvent }>(
      { query: EVENTS },
      {
        next: (message) => {
          if (message.data?.workflowEvents) handler.current(message.data.workflowEvents);
        },
        error: () => setLiveState('offline'),
        complete: () => undefined,
      },
    );
    return dispose;
  }, [token, enabled]);
}

const PROCESS_UPDATES = /* GraphQL */ `
  subscription ProcessUpdates($id: ID!) {
    processUpdates(processId: $id) {
      id
      workflowName
      status
      currentStep
      correlationId
      createdBy
      attempts
      eventSeq
      createdAt
      updatedAt
      startedAt
      completedAt
      error
      form: formData
      state
      intent {
        kind
        name
      }
      steps {
        id
        name: stepName
        position
        attempt
        status
        input: inputData
        output: outputData
        errorMessage
        error
        startedAt
        completedAt
      }
    }
  }
`;

/** A process as processUpdates sends it: the REST shape except for upper-case statuses. */
export interface LiveProcess {
  readonly id: string;
  readonly status: string;
  readonly eventSeq: number;
  readonly updatedAt: string;
  readonly steps: readonly { readonly status: string }[];
  readonly [key: string]: unknown;
}

/** Calls `onProcess` with the whole process each time it or one of its steps changes, while it is not finished. */
export function useProcessUpdates(token: string | null, processId: string, enabled: boolean, onProcess: (process: LiveProcess) => void): void {
  const handler = useRef(onProcess);
  useEffect(() => {
    handler.current = onProcess;
  });
  useEffect(() => {
    if (!enabled) return undefined;
    return liveClient(token).subscribe<{ processUpdates: LiveProcess }>(
      { query: PROCESS_UPDATES, variables: { id: processId } },
      {
        next: (message) => {
          if (message.data?.processUpdates) handler.current(message.data.processUpdates);
        },
        error: () => setLiveState('offline'),
        complete: () => undefined,
      },
    );
  }, [token, processId, enabled]);
}
