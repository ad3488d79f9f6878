import type { Catalogue } from '../../controller/catalogue/index.ts';
import type { ValidationIssue } from '../../controller/errors/index.ts';
import { loadIntents } from '../../controller/intents/index.ts';
import type { LoadedIntent } from '../../controller/intents/index.ts';
import { resolvePinned } from '../../controller/resolve/index.ts';
import type { DesiredState } from '../../controller/resolve/index.ts';
import type { CliContext } from '../context.ts';
import { openLibrary } from './library.ts';

/** `--intents` and `--library`, shared by every command that reads intents. */
export interface SourceOptions {
  readonly intents?: string;
  readonly library?: string;
}

export interface LoadedDesired {
  readonly intents: readonly LoadedIntent[];
  readonly catalogue: Catalogue;
  readonly desired: DesiredState;
  /** Intent-file problems, then library-dependent ones. */
  readonly issues: readonly ValidationIssue[];
}

/**
 * Loads the intents folder and the library, and resolves one against the other. Library
 * file problems are not included: a bad library file is skipped, it does not make intents
 * invalid.
 */
export async function loadDesired(ctx: CliContext, options: SourceOptions): Promise<LoadedDesired> {
  const config = ctx.config();
  const intentsDir = options.intents ?? config.intentsPath;
  const library = openLibrary(ctx, options);
  const [loaded, catalogue] = await Promise.all([loadIntents(intentsDir), library.current()]);
  const prefix = (issue: ValidationIssue): ValidationIssue => (issue.file ? { ...issue, file: `${intentsDir.replace(/\/+$/, '')}/${issue.file}` } : issue);
  // Each intent at the library revision it pins (spec.library.ref), the others at the current one.
  const desired = await resolvePinned(loaded.intents, catalogue, (ref) => library.at(ref));
  return { intents: loaded.intents, catalogue, desired, issues: [...loaded.issues, ...desired.issues].map(prefix) };
}

export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
