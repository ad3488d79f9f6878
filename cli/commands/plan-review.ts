// What `plan` adds for review: the output format (text, markdown, json), a plan of the intents a
// Git change touches (--base/--head), and a preview of a library upgrade (--library-ref).
import { Option } from 'commander';
import type { Catalogue } from '../../controller/catalogue/index.ts';
import { formatIssue } from '../../controller/errors/index.ts';
import type { ValidationIssue } from '../../controller/errors/index.ts';
import { intentKey } from '../../controller/intents/index.ts';
import type { LoadedIntent } from '../../controller/intents/index.ts';
import { createNetBoxClient, netBoxClientOptionsFromConfig } from '../../controller/netbox/index.ts';
import { netBoxPortFor, planIntents } from '../../controller/reconcile/index.ts';
import { PLAN_FORMATS, renderPlan } from '../../controller/report/index.ts';
import type { PlanFormat, ReviewContext } from '../../controller/report/index.ts';
import { resolveIntents } from '../../controller/resolve/index.ts';
import type { DesiredIntent } from '../../controller/resolve/index.ts';
import { openIntentRepository, resolveRevision, touchedIntents, withIntentsAt } from '../../controller/review/index.ts';
import type { IntentSnapshot } from '../../controller/sources/index.ts';
import { ExitCode } from '../context.ts';
import type { CliContext } from '../context.ts';
import type { SourceOptions } from './desired.ts';

/** `--format text|markdown|json`. */
export function planFormatOption(): Option {
  return new Option('--format <format>', 'text (the terminal diff), markdown (a pull-request comment under 65,536 characters) or json').choices(PLAN_FORMATS).default('text');
}

/** The review options `plan` takes besides its own. */
export function reviewOptions(): Option[] {
  return [
    new Option('--base <ref>', 'Git ref the change starts from (e.g. origin/main): validate both revisions and plan only the intents the change touches'),
    new Option('--head <ref>', 'Git ref of the change (default HEAD when --base is given)'),
    new Option('--marker <text>', 'hidden HTML comment put first in --format markdown, by which CI finds its earlier comment to update it').default(
      '<!-- netbox-gitops-plan -->',
    ),
  ];
}

export interface ReviewPlanOptions extends SourceOptions {
  readonly json?: boolean;
  readonly format?: PlanFormat;
  readonly detailedExitcode?: boolean;
  readonly base?: string;
  readonly head?: string;
  readonly marker?: string;
}

/** Whether `plan` runs as a review of a Git change rather than of the intents folder as it is. */
export function isReviewPlan(options: ReviewPlanOptions): boolean {
  return options.base !== undefined || options.head !== undefined;
}

/**
 * The library `plan` reads: `--library`, else LIBRARY_GIT_URL at LIBRARY_GIT_REF, else
 * LIBRARY_PATH; the parsed catalogue is cached per revision under CACHE_DIR, so a CI job that
 * keeps that folder between runs does not parse the library every time.
 */
export async function loadPlanLibrary(ctx: CliContext, options: SourceOptions): Promise<Catalogue> {
  // Loaded here, not at the top: the sources folder pulls in the controller's queue and database
  // packages, which `plan` without a Git library never needs (lazy CLI start-up).
  const { createCachedLibraryProvider } = await import('../../controller/sources/index.ts');
  const config = ctx.config();
  const git = options.library === undefined && config.library.gitUrl !== undefined;
  return createCachedLibraryProvider({
    ...(git ? { gitUrl: config.library.gitUrl, gitRef: config.library.gitRef, env: ctx.env } : { root: options.library ?? config.library.path }),
    cacheDir: config.cacheDir,
  }).current();
}

interface RevisionIntents {
  readonly snapshot: IntentSnapshot;
  /** Errors of the revision: invalid documents, unattributed file errors, library lookups. */
  readonly errors: readonly ValidationIssue[];
  readonly desired: readonly DesiredIntent[];
}

async function intentsAt(dir: string, revision: string, label: string, intentsPath: string, catalogue: Catalogue): Promise<RevisionIntents> {
  const { snapshotIntents } = await import('../../controller/sources/index.ts');
  const snapshot = await snapshotIntents(dir, revision);
  const resolved = resolveIntents(snapshot.intents, catalogue);
  const located = (issue: ValidationIssue): ValidationIssue => (issue.file ? { ...issue, file: `${label}:${intentsPath ? `${intentsPath}/` : ''}${issue.file}` } : issue);
  const errors = [
    ...snapshot.invalid.map((i): ValidationIssue => ({ file: `${label}:${intentsPath ? `${intentsPath}/` : ''}${i.file}`, message: `${i.kind}/${i.name} is invalid:\n${i.message}`, severity: 'error' })),
    ...snapshot.unattributed.map(located),
    ...resolved.issues.filter((i) => i.severity === 'error').map(located),
  ];
  return { snapshot, errors, desired: resolved.intents };
}

/**
 * `plan --base REF --head REF`: loads the intents at both revisions (validating each against
 * the schema and the library), names the intents the change touches, and plans those at the
 * head against NetBox — a removed intent that said `prune: true` is planned as wanting nothing,
 * so the review shows the deletes its removal brings. Errors at the head fail the run (exit 1)
 * before NetBox is read; errors already present at the base are only reported.
 */
export async function runReviewPlan(ctx: CliContext, options: ReviewPlanOptions): Promise<void> {
  const config = ctx.config();
  const repo = await openIntentRepository(options.intents ?? config.intentsPath);
  const baseRef = options.base ?? 'HEAD';
  const headRef = options.head ?? 'HEAD';
  const [baseRevision, headRevision] = await Promise.all([resolveRevision(repo, baseRef), resolveRevision(repo, headRef)]);
  const catalogue = await loadPlanLibrary(ctx, options);
  const base = await withIntentsAt(repo, baseRevision, (dir) => intentsAt(dir, baseRevision, baseRef, repo.intentsPath, catalogue));
  const head = await withIntentsAt(repo, headRevision, (dir) => intentsAt(dir, headRevision, headRef, repo.intentsPath, catalogue));

  for (const issue of base.errors) ctx.err.write(`warning (already at ${baseRef}): ${formatIssue(issue)}\n`);
  for (const issue of head.snapshot.warnings) ctx.err.write(`warning: ${formatIssue(issue)}\n`);
  if (head.errors.length > 0) {
    for (const issue of head.errors) ctx.err.write(`error: ${formatIssue(issue)}\n`);
    ctx.err.write(`intents at ${headRef} are invalid: nothing was read from NetBox\n`);
    throw new ExitCode(1);
  }

  const touched = touchedIntents(base.snapshot.intents, head.snapshot.intents);
  const keys = new Set(touched.filter((t) => t.change !== 'removed').map((t) => t.intent));
  const suspended = new Set(head.snapshot.intents.filter((l) => l.intent.spec.suspend).map((l) => intentKey(l.intent)));
  const desired = head.desired.filter((d) => keys.has(`${d.ref.kind}/${d.ref.name}`) && !suspended.has(`${d.ref.kind}/${d.ref.name}`));
  desired.push(...removedWithPrune(touched.filter((t) => t.change === 'removed').map((t) => t.intent), base.snapshot.intents, base.desired));
  const review: ReviewContext = {
    base: baseRef,
    head: headRef,
    baseRevision,
    headRevision,
    touched,
    untouched: head.snapshot.intents.filter((l) => !keys.has(intentKey(l.intent))).length,
  };
  for (const key of suspended) if (keys.has(key)) ctx.err.write(`not planned: ${key} is suspended at ${headRef}\n`);

  const client = createNetBoxClient(netBoxClientOptionsFromConfig(config.netbox, { logger: ctx.logger() }));
  try {
    const { plan } = await planIntents(netBoxPortFor(client), desired);
    const format = options.json ? 'json' : (options.format ?? 'text');
    ctx.out.write(renderPlan(plan, format, { review, libraryRevision: catalogue.revision, ...(options.marker ? { marker: options.marker } : {}) }));
    if (options.detailedExitcode && plan.summary.changes > 0) throw new ExitCode(2);
  } finally {
    await client.close();
  }
}

/** Intents the change removes whose last version pruned: they now want nothing, so their owned objects go. */
function removedWithPrune(keys: readonly string[], base: readonly LoadedIntent[], desired: readonly DesiredIntent[]): DesiredIntent[] {
  const pruning = new Set(base.filter((l) => keys.includes(intentKey(l.intent)) && l.intent.spec.prune && !l.intent.spec.suspend).map((l) => intentKey(l.intent)));
  return desired.filter((d) => pruning.has(`${d.ref.kind}/${d.ref.name}`)).map((d) => ({ ...d, manufacturers: [], deviceTypes: [], moduleTypes: [] }));
}
