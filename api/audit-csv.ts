import { Readable } from 'node:stream';
import type { AuditRecord, Page } from '../controller/workflow/index.ts';

/** The CSV columns of an audit export, in order. */
export const AUDIT_CSV_COLUMNS = [
  'timestamp',
  'action',
  'object_kind',
  'object_identity',
  'netbox_id',
  'intent',
  'process_id',
  'user',
  'correlation_id',
  'before',
  'after',
  'details',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A text field
 * that a spreadsheet would run as a formula (starting with = + - @ or a tab/CR) gets a leading
 * apostrophe, so opening an export never executes what a NetBox object name contained.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One audit row as a CSV line (CRLF-terminated). */
export function auditCsvLine(row: AuditRecord): string {
  const fields = [
    row.timestamp,
    row.action,
    row.objectKind,
    row.objectIdentity,
    row.netboxId,
    row.intent ? `${row.intent.kind}/${row.intent.name}` : null,
    row.processId,
    row.userId,
    row.correlationId,
    row.before,
    row.after,
    row.details,
  ];
  return `${fields.map(csvField).join(',')}\r\n`;
}

/**
 * A stream of the CSV: header, then every row of every page `next` returns (pass the cursor
 * back until it is null). Pages are read as the client consumes them, so a large export holds
 * one page in memory.
 */
export function auditCsv(next: (cursor: string | null) => Promise<Page<AuditRecord>>): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
    let cursor: string | null = null;
    do {
      const page: Page<AuditRecord> = await next(cursor);
      yield page.items.map(auditCsvLine).join('');
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
  return Readable.from(lines());
}
