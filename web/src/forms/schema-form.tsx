import { useId } from 'react';
import type { ReactNode } from 'react';
import type { JsonSchema } from '../api/types.ts';
import { enumOptions, fieldKind, labelOf } from './schema.ts';

export interface FieldProps {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  readonly schema: JsonSchema;
  readonly value: unknown;
  readonly required: boolean;
  /** The server's message for this field, after a 422. */
  readonly error: string | undefined;
  /** Id of the element describing the field (help text, error), for aria-describedby. */
  readonly describedBy: string;
  /** Every value of the form (widgets that depend on another field read it here). */
  readonly values: Readonly<Record<string, unknown>>;
  onChange(value: unknown): void;
}

export type Widget = (props: FieldProps) => ReactNode;

function DefaultField(props: FieldProps): ReactNode {
  const { id, schema, value, required, error, describedBy, onChange } = props;
  const kind = fieldKind(schema);
  const common = { id, 'aria-invalid': error !== undefined, 'aria-describedby': describedBy, required } as const;
  switch (kind) {
    case 'enum':
      return (
        <select {...common} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)}>
          <option value="">choose…</option>
          {enumOptions(schema).map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      );
    case 'boolean':
      return <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case 'integer':
    case 'number':
      return <input {...common} type="number" step={kind === 'integer' ? 1 : 'any'} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} />;
    case 'enum-list': {
      const selected = new Set(Array.isArray(value) ? value.map(String) : []);
      return (
        <div className="checks" role="group" aria-labelledby={`${id}-label`} aria-describedby={describedBy}>
          {enumOptions(schema).map((o) => (
            <label key={o} className="check">
              <input
                type="checkbox"
                checked={selected.has(o)}
                onChange={(e) => onChange(e.target.checked ? [...selected, o] : [...selected].filter((x) => x !== o))}
              />{' '}
              {o}
            </label>
          ))}
        </div>
      );
    }
    case 'string-list':
      return (
        <textarea
          {...common}
          rows={4}
          value={Array.isArray(value) ? value.join('\n') : ''}
          onChange={(e) =>
            onChange(
              e.target.value
                .split('\n')
                .map((line) => line.trim())
                .filter(Boolean),
            )
          }
        />
      );
    case 'json':
      return (
        <textarea
          {...common}
          rows={4}
          className="mono"
          value={typeof value === 'string' ? value : JSON.stringify(value ?? null)}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    default:
      return <input {...common} type="text" value={String(value ?? '')} maxLength={schema.maxLength} onChange={(e) => onChange(e.target.value)} />;
  }
}

/**
 * A form generated from a JSON Schema object: one labelled input per property, chosen by its
 * type (enum → select, string → text, list of strings → one per line, boolean → checkbox...),
 * or by `widgets[name]` where the dashboard knows better (vendor pickers, regex with preview).
 */
export function SchemaForm({
  schema,
  values,
  errors,
  widgets = {},
  onChange,
}: {
  readonly schema: JsonSchema;
  readonly values: Readonly<Record<string, unknown>>;
  readonly errors: Readonly<Record<string, string>>;
  readonly widgets?: Readonly<Record<string, Widget>>;
  readonly onChange: (name: string, value: unknown) => void;
}): ReactNode {
  const base = useId();
  const required = new Set(schema.required ?? []);
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <p className="muted">This workflow takes no input.</p>;
  return (
    <div className="schema-form">
      {properties.map(([name, property]) => {
        const id = `${base}-${name}`;
        const label = labelOf(name, property);
        const error = errors[name];
        const Field = widgets[name] ?? DefaultField;
        const isCheckbox = !widgets[name] && fieldKind(property) === 'boolean';
        return (
          <div key={name} className={`field ${error ? 'has-error' : ''}`}>
            <label id={`${id}-label`} htmlFor={id} className={isCheckbox ? 'check' : undefined}>
              {label}
              {required.has(name) ? (
                <span className="required" aria-hidden="true">
                  {' '}
                  *
                </span>
              ) : null}
              <span className="muted small"> ({name})</span>
            </label>
            <Field
              id={id}
              name={name}
              label={label}
              schema={property}
              value={values[name]}
              required={required.has(name)}
              error={error}
              describedBy={`${id}-help`}
              values={values}
              onChange={(value) => onChange(name, value)}
            />
            <div id={`${id}-help`}>
              {error ? (
                <p className="field-error" role="alert">
                  {error}
                </p>
              ) : null}
            </div>
          </div>
        );
      })}
    </div>
  );
}
