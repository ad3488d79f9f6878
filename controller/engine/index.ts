/**
 * The workflow engine (orchestrator-core's model on BullMQ + Postgres), with no domain in it:
 * workflows registered by name with a zod form and ordered steps; processes recorded with their
 * steps (SQL in controller/store); workers that run them with retries, outages waited out,
 * cancellation, crash takeover and per-intent run locks; events recorded per process in commit
 * order and published on Redis pub/sub. An application (controller/workflow) gives it its
 * workflows, the services their steps use and how its errors read ({@link Application}).
 */
export { createWorkflowService } from './service.ts';
export { startWorker } from './worker.ts';
export { runWorkflowHere, runWorkflowInMemory } from './local-run.ts';
export type { InMemoryRunResult, LocalRunOptions, LocalRunResult } from './local-run.ts';
export { describeError, isTransient } from './runner.ts';
export { decideOutage, formatSpan } from './outage.ts';
export type { OutageDecision } from './outage.ts';
export { EVENTS_CHANNEL, eventsChannel, subscribeEvents } from './events.ts';
export { createOrderedEventStream, subscribeOrderedEvents } from './ordered-events.ts';
export type { OrderedEventStream, OrderedEventsOptions } from './ordered-events.ts';
export { DEFAULT_QUEUE, resolveTuning } from './queue.ts';
export { formSchemaOf, parseForm, workflowNamed } from './registry.ts';
export type { Workflows } from './registry.ts';
export { closeWithin } from './close-within.ts';
export { readStepOutput, skipped } from './definition.ts';
export type {
  Application,
  EngineStepContext,
  ErrorReading,
  OutagePolicy,
  RunScope,
  StepContext,
  StepDefinition,
  Tuning,
  WorkflowDefinition,
} from './definition.ts';
export {
  NoDatabaseError,
  ProcessNotFoundError,
  ProcessStateError,
  StepCancelledError,
  StepInterruptedError,
  StepOutputError,
  WorkflowNotFoundError,
} from './errors.ts';
export type {
  EngineDeps,
  EngineTuning,
  ProcessObserver,
  StartOptions,
  StepNotice,
  WorkerHandle,
  WorkerOptions,
  WorkflowInfo,
  WorkflowService,
} from './types.ts';
