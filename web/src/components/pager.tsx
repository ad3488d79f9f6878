import { useCallback, useState } from 'react';
import type { ReactNode } from 'react';

/** Keyset paging: the cursors of the pages walked so far, so "Newer" goes back without offsets. */
export function useCursorPager(resetKey: string): { cursor: string | null; page: number; older(next: string): void; newer(): void; reset(): void } {
  const [state, setState] = useState<{ key: string; stack: (string | null)[] }>({ key: resetKey, stack: [null] });
  // Other filters: back to the first page.
  const stack = state.key === resetKey ? state.stack : [null];
  if (state.key !== resetKey) setState({ key: resetKey, stack: [null] });
  const older = useCallback((next: string) => setState((s) => ({ key: s.key, stack: [...s.stack, next] })), []);
  const newer = useCallback(() => setState((s) => ({ key: s.key, stack: s.stack.length > 1 ? s.stack.slice(0, -1) : s.stack })), []);
  const reset = useCallback(() => setState((s) => ({ key: s.key, stack: [null] })), []);
  return { cursor: stack[stack.length - 1] ?? null, page: stack.length, older, newer, reset };
}

export function Pager({
  page,
  nextCursor,
  onOlder,
  onNewer,
  label,
}: {
  readonly page: number;
  readonly nextCursor: string | null | undefined;
  readonly onOlder: (cursor: string) => void;
  readonly onNewer: () => void;
  readonly label: string;
}): ReactNode {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" onClick={onNewer} disabled={page <= 1}>
        ← Newer
      </button>
      <span className="muted small">page {page}</span>
      <button type="button" onClick={() => nextCursor && onOlder(nextCursor)} disabled={!nextCursor}>
        Older →
      </button>
    </nav>
  );
}

/** `<input type="datetime-local">` value (local time) ⇄ ISO. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): string | undefined {
  if (value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
