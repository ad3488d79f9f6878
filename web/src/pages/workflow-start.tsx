import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/client.ts';
import { useActions, useWorkflows } from '../api/hooks.ts';
import type { Workflow } from '../api/types.ts';
import { ErrorPanel } from '../components/error-panel.tsx';
import { OperatorButton } from '../components/operator-button.tsx';
import { formToSend, initialValues } from '../forms/schema.ts';
import { SchemaForm } from '../forms/schema-form.tsx';
import { WIDGETS } from '../forms/widgets.tsx';

function StartForm({ workflow }: { readonly workflow: Workflow }): ReactNode {
  const [values, setValues] = useState<Record<string, unknown>>(() => initialValues(workflow.formSchema));
  const { startWorkflow } = useActions();
  const navigate = useNavigate();
  const error = startWorkflow.error;
  const fieldErrors = error instanceof ApiError && error.status === 422 ? error.fieldIssues() : {};
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    startWorkflow.mutate(
      { name: workflow.name, form: formToSend(workflow.formSchema, values) },
      { onSuccess: (process) => void navigate(`/processes/${process.id}`) },
    );
  };
  return (
    <form onSubmit={submit} noValidate aria-label={workflow.formSchema.title ?? workflow.name}>
      <SchemaForm
        schema={workflow.formSchema}
        values={values}
        errors={fieldErrors}
        widgets={WIDGETS[workflow.name]}
        onChange={(name, value) => setValues((v) => ({ ...v, [name]: value }))}
      />
      {error ? <ErrorPanel error={error} title={error instanceof ApiError && error.status === 422 ? 'The form is not valid' : undefined} /> : null}
      <OperatorButton type="submit" className="primary" disabled={startWorkflow.isPending}>
        {startWorkflow.isPending ? 'Starting…' : 'Start'}
      </OperatorButton>
    </form>
  );
}

export default function WorkflowStartPage(): ReactNode {
  const { name = '' } = useParams();
  const workflows = useWorkflows();
  const workflow = workflows.data?.find((w) => w.name === name);
  if (workflows.error) return <ErrorPanel error={workflows.error} />;
  if (!workflows.data) return <p className="loading">Loading workflows…</p>;
  if (!workflow) {
    return (
      <section>
        <h1>Unknown workflow</h1>
        <p>
          There is no workflow named <code>{name}</code>. See the <Link to="/workflows">workflows</Link>.
        </p>
      </section>
    );
  }
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/workflows">Workflows</Link> › <span className="mono">{workflow.name}</span>
      </nav>
      <h1>{workflow.formSchema.title ?? workflow.name}</h1>
      <p>{workflow.formSchema.description ?? workflow.description}</p>
      <StartForm workflow={workflow} />
    </section>
  );
}
