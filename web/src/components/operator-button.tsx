import { useId } from 'react';
import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { usePrincipal } from '../auth/session.tsx';

/**
 * A button for an operator action (reconcile, suspend, start, cancel, retry). A viewer sees it
 * disabled, with the reason next to it and announced by screen readers.
 */
export function OperatorButton({
  children,
  disabledReason,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { readonly disabledReason?: string | undefined }): ReactNode {
  const { principal } = usePrincipal();
  const reasonId = useId();
  const roleReason = principal.permissions.operate ? undefined : `Needs the operator role; your token "${principal.name}" is a ${principal.role}.`;
  const reason = roleReason ?? disabledReason;
  return (
    <span className="operator-action">
      <button type="button" {...props} disabled={reason !== undefined || props.disabled} aria-describedby={reason ? reasonId : undefined} title={reason}>
        {children}
      </button>
      {roleReason ? (
        <span id={reasonId} className="disabled-reason">
          {roleReason}
        </span>
      ) : reason ? (
        <span id={reasonId} className="visually-hidden">
          {reason}
        </span>
      ) : null}
    </span>
  );
}
