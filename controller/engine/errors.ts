import { WorkflowError } from '../errors/index.ts';

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

/** A step that records to Postgres ran where there is no database (`apply` without DATABASE_URL). */
export class NoDatabaseError extends WorkflowError {
  override readonly code = 'no_database';
  constructor(readonly needs: string) {
    super(`${needs} needs the Postgres database; set DATABASE_URL (or DATABASE_HOST) and run \`netbox-gitops migrate\`.`);
  }
}

/** An earlier step's recorded output is missing or does not have the shape this version reads. */
export class StepOutputError extends WorkflowError {
  override readonly code = 'step_output_mismatch';
  constructor(
    readonly step: string,
    readonly problem: string,
  ) {
    super(`the ${step} step's recorded output ${problem}; retry the process from the start (a new process) with this version of netbox-gitops`);
  }
}
