import { useId, useLayoutEffect, useRef } from 'react';
import { flushSync } from 'react-dom';
import type { FormEvent, ReactNode } from 'react';

/**
 * A modal confirmation on the browser's own <dialog>: showModal() makes the rest of the page inert
 * and closes on Escape; focus starts on the first field (or the safe button) and goes back to the
 * control that opened it, so keyboard users land where they were.
 */
export function ConfirmDialog({
  open,
  title,
  confirmLabel,
  cancelLabel = 'Back',
  danger = false,
  busy = false,
  onConfirm,
  onClose,
  children,
}: {
  readonly open: boolean;
  readonly title: string;
  readonly confirmLabel: string;
  readonly cancelLabel?: string;
  readonly danger?: boolean;
  readonly busy?: boolean;
  readonly onConfirm: () => void;
  /** Called on Escape, the cancel button, or after confirming. */
  readonly onClose: () => void;
  readonly children?: ReactNode;
}): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  const cancel = useRef<HTMLButtonElement>(null);

  // A layout effect: the dialog opens and closes in the same commit as the state that says so.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
      // A field first (typing is what the dialog asks for), else the harmless button.
      const field = dialog.querySelector<HTMLElement>('input, textarea, select');
      (field ?? cancel.current)?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  const restoreFocus = (): void => {
    const target = opener.current;
    opener.current = null;
    if (target instanceof HTMLElement && target.isConnected) target.focus();
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    onConfirm();
  };

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: close through React's state, committed at once. Left to the browser, the dialog
        // closes (and gives focus back) before its close event reaches React, and an Enter on the
        // opener in between would ask to open a dialog React still thinks is open.
        event.preventDefault();
        flushSync(onClose);
      }}
      onClose={() => {
        // The close event is queued, not dispatched at once: if the dialog was opened again before it
        // arrived, it belongs to the earlier dialog and must neither close this one nor move its focus.
        if (ref.current?.open) return;
        restoreFocus();
        if (open) onClose();
      }}
    >
      <form onSubmit={submit}>
        <h2 id={titleId}>{title}</h2>
        {children}
        <div className="dialog-buttons">
          <button type="button" ref={cancel} onClick={onClose}>
            {cancelLabel}
          </button>
          <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
