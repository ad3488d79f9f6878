// The engine wired with the reconcile application: what the API, the worker, the controller
// and the CLI call. Each builds its WorkflowDeps once (deps.ts) and gets its service, worker or
// local run here.
import * as engine from '../engine/index.ts';
import type { InMemoryRunResult, LocalRunOptions, LocalRunResult, WorkerHandle, WorkerOptions } from '../engine/index.ts';
import type { Logger } from '../logging/index.ts';
import type { NetBoxPort } from '../reconcile/index.ts';
import { createReconcileApplication } from './application.ts';
import { RECONCILE_WORKFLOW, WORKFLOWS } from './registry.ts';
import type { LibraryProvider } from '../catalogue/index.ts';
import type { ReconcileTuning, WorkflowDeps, WorkflowService } from './types.ts';

/**
 * The workflow service: starts, lists, cancels and retries processes; it writes Postgres and
 * enqueues on BullMQ, workers run the processes. It never talks to NetBox, so `deps.netbox` is
 * not needed (the API passes none).
 */
export function createWorkflowService(deps: Omit<WorkflowDeps, 'netbox' | 'library' | 'intents'> & Partial<WorkflowDeps>): WorkflowService {
  const service = engine.createWorkflowService(deps, { workflows: WORKFLOWS });
  return { ...service, requestReconcile: (intent, options) => service.requestRun(RECONCILE_WORKFLOW, intent, options) };
}

/** The reconcile application of a recorded run: one NetBox client (built now) and the intent store. */
function recordedApplication(deps: WorkflowDeps): ReturnType<typeof createReconcileApplication> {
  return createReconcileApplication({ netbox: deps.netbox(), library: deps.library, intents: deps.intents, ...(deps.tuning ? { tuning: deps.tuning } : {}) });
}

/**
 * Starts a worker running the reconcile application's processes. Its NetBox client is built
 * first (from `deps.netbox()`), so a configuration error (no NETBOX_URL) fails before any
 * connection opens; it, the library provider and the pool are shared by all jobs of the worker.
 */
export function startWorker(deps: WorkflowDeps, options: WorkerOptions = {}): Promise<WorkerHandle> {
  return engine.startWorker(deps, recordedApplication(deps), options);
}

/**
 * Creates a process of `workflowName` and runs it in this process, recorded like a worker's run
 * (`netbox-gitops apply` with a database): see the engine's `runWorkflowHere`.
 */
export function runWorkflowHere(deps: WorkflowDeps, workflowName: string, form: unknown, options: LocalRunOptions = {}): Promise<LocalRunResult> {
  return engine.runWorkflowHere(deps, recordedApplication(deps), workflowName, form, options);
}

/** What the steps need when they run without a database. */
export interface InMemoryDeps {
  readonly logger: Logger;
  readonly netbox: NetBoxPort;
  readonly library: LibraryProvider;
  readonly tuning?: ReconcileTuning;
}

/**
 * Runs a workflow's steps here with no database (`netbox-gitops apply` without DATABASE_URL):
 * the same step definitions, nothing recorded.
 */
export function runWorkflowInMemory(
  deps: InMemoryDeps,
  workflowName: string,
  form: unknown,
  options: Pick<LocalRunOptions, 'memory' | 'signal'> = {},
): Promise<InMemoryRunResult> {
  const app = createReconcileApplication({ netbox: deps.netbox, library: deps.library, ...(deps.tuning ? { tuning: deps.tuning } : {}) });
  return engine.runWorkflowInMemory(deps.logger, app, workflowName, form, options);
}
