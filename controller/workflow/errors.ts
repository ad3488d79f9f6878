// Errors of the reconcile workflows' steps: what NetBox refused, and what did not converge.
import { IntegrationError, WorkflowError } from '../errors/index.ts';
import type { OperationFailure, PlanOperation } from '../reconcile/index.ts';

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
