import { formatIssue } from '../errors/index.ts';
import type { ValidationIssue } from '../errors/index.ts';
import { INTENT_KINDS, intentKey, loadIntents } from '../intents/index.ts';
import type { DocumentSpan, IntentKind } from '../intents/index.ts';
import type { IntentSnapshot, InvalidIntent } from './types.ts';

/** A document of a file with errors: its line span and the identity it claims, if any. */
interface ClaimedSpan extends DocumentSpan {
  readonly kind?: IntentKind;
  readonly name?: string;
}

/**
 * Loads the intents under `dir` at `revision` and sorts every error into an intent it can be
 * pinned to (by the kind and `metadata.name` its document states) or into `unattributed`.
 * An intent with any error is invalid as a whole, even when another document of the same
 * name is valid: which one the author meant is unknown, and a bad intent must never reach NetBox.
 */
export async function snapshotIntents(dir: string, revision: string, options: { readonly root?: string } = {}): Promise<IntentSnapshot> {
  const { intents, issues, notifications, spans } = await loadIntents(dir, options.root !== undefined ? { root: options.root } : {});
  const errors = issues.filter((issue) => issue.severity === 'error');
  const warnings = issues.filter((issue) => issue.severity === 'warning');
  const byFile = groupByFile(errors);
  const invalid = new Map<string, InvalidIntent>();
  const unattributed: ValidationIssue[] = [];
  for (const [file, fileIssues] of byFile) {
    // The loader's own parse says where each document sits; a file it could not read has none.
    const claimed = (spans?.get(file) ?? []).map((span): ClaimedSpan => ({ ...span, ...identityOf(span.value) }));
    attributeIssues(file, fileIssues, claimed, invalid, unattributed);
  }
  const valid = intents.filter((loaded) => !invalid.has(intentKey(loaded.intent)));
  return { revision, intents: valid, invalid: [...invalid.values()], unattributed, warnings, notifications: notifications ?? [] };
}

function groupByFile(issues: readonly ValidationIssue[]): Map<string, ValidationIssue[]> {
  const byFile = new Map<string, ValidationIssue[]>();
  for (const issue of issues) {
    const file = issue.file ?? '';
    byFile.set(file, [...(byFile.get(file) ?? []), issue]);
  }
  return byFile;
}

function attributeIssues(
  file: string,
  issues: readonly ValidationIssue[],
  spans: readonly ClaimedSpan[],
  invalid: Map<string, InvalidIntent>,
  unattributed: ValidationIssue[],
): void {
  const perSpan = new Map<ClaimedSpan, ValidationIssue[]>();
  for (const issue of issues) {
    const span = issue.line === undefined ? undefined : spans.find((s) => issue.line! >= s.firstLine && issue.line! <= s.lastLine);
    if (span?.kind === undefined || span.name === undefined) {
      unattributed.push(issue);
      continue;
    }
    perSpan.set(span, [...(perSpan.get(span) ?? []), issue]);
  }
  for (const [span, spanIssues] of perSpan) {
    const kind = span.kind as IntentKind;
    const name = span.name as string;
    const key = `${kind}/${name}`;
    const message = spanIssues.map(formatIssue).join('\n');
    const previous = invalid.get(key);
    invalid.set(key, {
      kind,
      name,
      file,
      document: previous?.document ?? span.value,
      message: previous ? `${previous.message}\n${message}` : message,
    });
  }
}

function identityOf(value: unknown): { kind?: IntentKind; name?: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const { kind, metadata } = value as { kind?: unknown; metadata?: unknown };
  if (typeof kind !== 'string' || !(INTENT_KINDS as readonly string[]).includes(kind)) return {};
  if (metadata === null || typeof metadata !== 'object') return {};
  const name = (metadata as { name?: unknown }).name;
  if (typeof name !== 'string' || name === '') return {};
  return { kind: kind as IntentKind, name };
}
