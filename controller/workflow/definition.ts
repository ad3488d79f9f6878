// The engine's step and workflow types, bound to the services the reconcile and import steps use.
import type {
  StepContext as EngineStepContext,
  StepDefinition as EngineStepDefinition,
  WorkflowDefinition as EngineWorkflowDefinition,
} from '../engine/index.ts';
import type { ReconcileServices } from './types.ts';

/** What a reconcile or import step sees. */
export type StepContext = EngineStepContext<ReconcileServices>;
export type StepDefinition = EngineStepDefinition<ReconcileServices>;
export type WorkflowDefinition<Form = unknown> = EngineWorkflowDefinition<Form, ReconcileServices>;
