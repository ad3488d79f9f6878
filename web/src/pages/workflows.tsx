import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useWorkflows } from '../api/hooks.ts';
import { ErrorPanel } from '../components/error-panel.tsx';

export default function WorkflowsPage(): ReactNode {
  const workflows = useWorkflows();
  return (
    <section>
      <h1>Workflows</h1>
      <p className="muted">Start a workflow from its form; the process page follows it live.</p>
      {workflows.error ? <ErrorPanel error={workflows.error} /> : null}
      <ul className="cards workflow-cards">
        {(workflows.data ?? []).map((w) => (
          <li key={w.name} className="card">
            <h2>
              <Link to={`/workflows/${encodeURIComponent(w.name)}`}>{w.formSchema.title ?? w.name}</Link>
            </h2>
            <p className="mono small">
              {w.name} · {w.target}
            </p>
            <p>{w.description}</p>
            <p className="muted small">Steps: {w.steps.join(' → ')}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
