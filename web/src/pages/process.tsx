import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { keys, useActions, useAudit, useProcess } from '../api/hooks.ts';
import { useProcessUpdates } from '../api/live.ts';
import type { LiveProcess } from '../api/live.ts';
import type { ProcessDetail, Step } from '../api/types.ts';
import { usePrincipal } from '../auth/session.tsx';
import { StatusBadge } from '../components/badges.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { ErrorPanel } from '../components/error-panel.tsx';
import { JsonView } from '../components/json-view.tsx';
import { OperatorButton } from '../components/operator-button.tsx';
import { useNow } from '../components/use-now.ts';
import { AuditTable } from './audit.tsx';
import { durationBetween, formatDateTime, formatDuration } from '../format.ts';

const ACTIVE = new Set(['created', 'running', 'waiting']);

/** A process from processUpdates in the REST shape (statuses lower-case), keeping what only REST has. */
function fromLive(live: LiveProcess, previous: ProcessDetail | undefined): ProcessDetail {
  const lower = (s: unknown): string => String(s).toLowerCase();
  return {
    ...(previous ?? {}),
    ...(live as unknown as ProcessDetail),
    status: lower(live.status) as ProcessDetail['status'],
    steps: live.steps.map((s) => ({ ...(s as unknown as Step), status: lower(s.status) as Step['status'] })),
    auditCount: previous?.auditCount ?? 0,
  };
}

function Timeline({ process, now }: { readonly process: ProcessDetail; readonly now: number }): ReactNode {
  if (process.steps.length === 0) return <p className="muted">No step has started yet{ACTIVE.has(process.status) ? '; the process is queued.' : '.'}</p>;
  return (
    <ol className="timeline" aria-label="Steps">
      {process.steps.map((step) => {
        const running = step.status === 'running';
        return (
          <li key={step.id} className={`step step-${step.status}`} data-testid={`step-${step.name}`}>
            <div className="step-head">
              <span className="step-marker" aria-hidden="true" />
              <strong>{step.name}</strong> <StatusBadge status={step.status} />
              {step.attempt > 1 ? <span className="badge">attempt {step.attempt}</span> : null}
              <span className="muted small">
                {formatDuration(durationBetween(step.startedAt, step.completedAt, now))}
                {running ? ' so far' : ''}
                {step.startedAt ? ` · started ${formatDateTime(step.startedAt)}` : ''}
              </span>
            </div>
            {step.errorMessage ? (
              <div className="error-panel compact" role="note">
                {step.errorMessage}
              </div>
            ) : null}
            {step.output.skipped ? <p className="muted small">skipped: {String(step.output.reason ?? '')}</p> : null}
            <details>
              <summary>Input and output</summary>
              <div className="two-col">
                <JsonView value={step.input} label={`Input of ${step.name}`} />
                <JsonView value={step.output} label={`Output of ${step.name}`} />
              </div>
              {step.error ? <JsonView value={step.error} label={`Error of ${step.name}`} /> : null}
            </details>
          </li>
        );
      })}
    </ol>
  );
}

export default function ProcessPage(): ReactNode {
  const { id = '' } = useParams();
  const { token } = usePrincipal();
  const client = useQueryClient();
  const process = useProcess(id);
  const actions = useActions();
  const active = process.data ? ACTIVE.has(process.data.status) : true;
  const now = useNow(1_000, active);
  const audit = useAudit({ processId: id }, null, 100);
  const [confirming, setConfirming] = useState(false);

  // While it runs, each change arrives whole; a snapshot older than the one shown (lower eventSeq) is ignored.
  useProcessUpdates(token, id, active, (live) => {
    client.setQueryData<ProcessDetail>(keys.process(id), (previous) => {
      if (previous && previous.eventSeq > live.eventSeq) return previous;
      return fromLive(live, previous);
    });
    if (!ACTIVE.has(String(live.status).toLowerCase())) {
      void client.invalidateQueries({ queryKey: keys.process(id) });
      void client.invalidateQueries({ queryKey: ['audit'] });
    }
  });

  if (process.error) return <ErrorPanel error={process.error} />;
  if (!process.data) return <p className="loading">Loading process…</p>;
  const p = process.data;
  const cancelRequested = p.state.cancelRequested !== undefined;
  const mutationError = actions.cancel.error ?? actions.retry.error;
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/processes">Processes</Link> › <span className="mono">{p.id}</span>
      </nav>
      <div className="page-head">
        <h1>
          {p.workflowName} <StatusBadge status={p.status} />
        </h1>
        <div className="controls">
          {ACTIVE.has(p.status) ? (
            <OperatorButton
              className="danger"
              disabled={actions.cancel.isPending}
              disabledReason={cancelRequested ? 'Cancel already requested: the process stops at its next step or apply chunk.' : undefined}
              aria-haspopup="dialog"
              onClick={() => setConfirming(true)}
            >
              Cancel
            </OperatorButton>
          ) : null}
          {p.status === 'failed' ? (
            <OperatorButton className="primary" disabled={actions.retry.isPending} onClick={() => actions.retry.mutate(p.id)}>
              Retry from the failed step
            </OperatorButton>
          ) : null}
        </div>
      </div>
      <ConfirmDialog
        open={confirming}
        title="Cancel this process?"
        confirmLabel="Cancel the process"
        cancelLabel="Keep it running"
        danger
        busy={actions.cancel.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() => {
          actions.cancel.mutate(p.id);
          setConfirming(false);
        }}
      >
        <p>{p.workflowName} stops at its next step or apply chunk. What it already wrote to NetBox stays (the NetBox changes below).</p>
      </ConfirmDialog>
      {mutationError ? <ErrorPanel error={mutationError} /> : null}
      <dl className="facts">
        <div>
          <dt>Intent</dt>
          <dd>
            {p.intent ? (
              <Link to={`/intents/${encodeURIComponent(p.intent.kind)}/${encodeURIComponent(p.intent.name)}`}>{`${p.intent.kind}/${p.intent.name}`}</Link>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div>
          <dt>Started by</dt>
          <dd>{p.createdBy ?? '—'}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDateTime(p.createdAt)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd data-testid="process-duration">{formatDuration(durationBetween(p.startedAt, p.completedAt, now))}</dd>
        </div>
        <div>
          <dt>Correlation id</dt>
          <dd className="mono small">{p.correlationId ?? '—'}</dd>
        </div>
        <div>
          <dt>Revisions</dt>
          <dd className="mono small">
            library {p.libraryRevision?.slice(0, 12) ?? '—'}
            {p.intentRevision ? <span className="block">intent {p.intentRevision.slice(0, 12)}</span> : null}
          </dd>
        </div>
      </dl>
      {p.error ? (
        <div className="error-panel" role="alert">
          <strong>{p.error.step ? `Failed at ${p.error.step}` : 'Failed'}</strong>
          <p>{p.error.message}</p>
          {p.error.details ? <JsonView value={p.error.details} label="Error details" /> : null}
        </div>
      ) : null}
      {cancelRequested && ACTIVE.has(p.status) ? <p className="notice">Cancel requested: the process stops at its next step or apply chunk.</p> : null}
      <h2>Timeline</h2>
      <Timeline process={p} now={now} />
      <details className="form-data">
        <summary>Form</summary>
        <JsonView value={p.form} label="Form data" />
      </details>
      <h2>NetBox changes ({p.auditCount})</h2>
      {audit.error ? <ErrorPanel error={audit.error} /> : null}
      {audit.data ? <AuditTable rows={audit.data.items} /> : null}
      {audit.data?.nextCursor ? (
        <p>
          <Link to={`/audit?processId=${p.id}`}>All {p.auditCount} changes of this process</Link>
        </p>
      ) : null}
    </section>
  );
}
