import { IntegrationError, WorkflowError } from '../errors/index.ts';
import type { OperationFailure, PlanOperation } from '../reconcile/index.ts';

/** No workflow is registered under this name (the API answers 404). */
export class WorkflowNotFoundError extends WorkflowError {
  override readonly code = 'workflow_not_found';
  constructor(
    readonly workflowName: string,
    readonly known: readonly string[],
  ) {
    super(`There is no workflow named "${workflowName}"; the workflows are ${known.join(', ')}.`, workflowName);
  }
}

/** No process has this id (the API answers 404). */
export class ProcessNotFoundError extends WorkflowError {
  override readonly code = 'process_not_found';
  constructor(readonly processId: string) {
    super(`There is no process with id ${processId}; list processes with \`netbox-gitops processes\`.`);
  }
}

/** The process is in a status that does not allow the operation (the API answers 409). */
export class ProcessStateError extends WorkflowError {
  override readonly code = 'process_state_conflict';
  constructor(
    readonly processId: string,
    readonly status: string,
    readonly operation: 'cancel' | 'retry',
    message: string,
  ) {
    super(message);
  }
}

/** A step was stopped by a cancel request; the runner records the process as cancelled. */
export class StepCancelledError extends WorkflowError {
  override readonly code = 'step_cancelled';
  constructor(readonly by: string | null) {
    super(`cancelled${by ? ` by ${by}` : ''}`);
  }
}

/** A step was stopped because its worker is shutting down; the job goes back to the queue. */
export class StepInterruptedError extends WorkflowError {
  override readonly code = 'step_interrupted';
  constructor() {
    super('interrupted: the worker shut down before the step finished; another worker resumes the process');
  }
}

/** NetBox refused some changes of the apply step (validation errors); carries NetBox's messages. */
export class ApplyRejectedError extends IntegrationError {
  override readonly code = 'apply_rejected';
  constructor(
    readonly failures: readonly OperationFailure[],
    applied: number,
  ) {
    const shown = failures.slice(0, 5).map((f) => `${f.action} ${f.kind} ${f.identity}: ${f.message}`);
    const more = failures.length > shown.length ? `; and ${failures.length - shown.length} more` : '';
    super(
      `NetBox rejected ${failures.length} change(s) (${applied} applied and kept in the audit log): ${shown.join('; ')}${more}. ` +
        'Fix the intent or the library definition, then retry the process.',
      { system: 'netbox', transient: false, body: failures.slice(0, 100) },
    );
  }
}

/** After apply, NetBox still differs from the intent: the verify step found changes left. */
export class NotConvergedError extends WorkflowError {
  override readonly code = 'not_converged';
  constructor(readonly remaining: readonly PlanOperation[]) {
    const shown = remaining.slice(0, 5).map((op) => `${op.action} ${op.kind} ${op.identity}`);
    super(
      `NetBox did not converge: ${remaining.length} change(s) remain after apply (${shown.join(', ')}${remaining.length > shown.length ? ', ...' : ''}). ` +
        'Another writer may be changing these objects; the drift is recorded. Retry the process once that is resolved.',
    );
  }
}

/** A step that records to Postgres ran where there is no database (`apply` without DATABASE_URL). */
export class NoDatabaseError extends WorkflowError {
  override readonly code = 'no_database';
  constructor(readonly needs: string) {
    super(`${needs} needs the Postgres database; set DATABASE_URL (or DATABASE_HOST) and run \`netbox-gitops migrate\`.`);
  }
}
