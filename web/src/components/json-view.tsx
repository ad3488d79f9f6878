import type { ReactNode } from 'react';

/** JSON, pretty-printed, in a scrollable block; `label` names it for screen readers. */
export function JsonView({ value, label }: { readonly value: unknown; readonly label: string }): ReactNode {
  return (
    <pre className="json" tabIndex={0} aria-label={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
