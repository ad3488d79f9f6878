// What `plan` adds for review: the output format (text, markdown, json), a plan of the intents a
// Git change touches (--base/--head), and a preview of a library upgrade (--library-ref).
import { InvalidArgumentError, Option } from 'commander';
import { stat } from 'node:fs/promises';
import type { Catalogue } from '../../controller/catalogue/index.ts';
import { formatIssue } from '../../controller/errors/index.ts';
import type { ValidationIssue } from '../../controller/errors/index.ts';
import { intentKey, loadIntents } from '../../controller/intents/index.ts';
import type { LoadedIntent } from '../../controller/intents/index.ts';
import { createNetBoxClient, netBoxClientOptionsFromConfig } from '../../controller/netbox/index.ts';
import { netBoxPortFor, planIntents } from '../../controller/reconcile/index.ts';
import { PLAN_FORMATS, renderPlan } from '../../controller/report/index.ts';
import type { PlanFormat, ReviewContext } from '../../controller/report/index.ts';
import type { DesiredIntent } from '../../controller/resolve/index.ts';
import { openIntentRepository, resolveRevision, touchedIntents, withIntentsAt } from '../../controller/review/index.ts';
import { pinOf, resolvePinned } from '../../controller/resolve/index.ts';
import { previewLibraryUpgrade } from '../../controller/upgrade/index.ts';
import { ExitCode } from '../context.ts';
import type { CliContext } from '../context.ts';
import type { SourceOptions } from './desired.ts';
import { openLibrary } from './library.ts';

/** `--format text|markdown|json`. */
export function planFormatOption(): Option {
  return new Option('--format <format>', 'text (the terminal diff), markdown (a pull-request comment under 65,536 characters) or json')
    .choices(PLAN_FORMATS)
    .default('text');
}

/** The review options `plan` takes besides its own. */
export function reviewOptions(): Option[] {
  return [
    new Option('--base <ref>', 'Git ref the change starts from (e.g. origin/main): validate both revisions and plan only the intents the change touches'),
    new Option('--head <ref>', 'Git ref of the change (default HEAD when --base is given)'),
    new Option(
      '--library-ref <ref>',
      'preview a devicetype-library upgrade: plan every intent as if the library were at this Git ref, content revision or folder, and list what the upgrade brings and what changed in the library',
    ),
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
  readonly libraryRef?: string;
  readonly marker?: string;
}

/** Whether `plan` runs as a review of a Git change rather than of the intents folder as it is. */
export function isReviewPlan(options: ReviewPlanOptions): boolean {
  return options.base !== undefined || options.head !== undefined || options.libraryRef !== undefined;
}

interface RevisionIntents {
  /** The valid intents of the revision. */
  readonly intents: readonly LoadedIntent[];
  /** Errors of the revision: invalid documents and files, library lookups. */
  readonly errors: readonly ValidationIssue[];
  readonly warnings: readonly ValidationIssue[];
  readonly desired: readonly DesiredIntent[];
}

async function intentsAt(
  dir: string,
  label: string,
  intentsPath: string,
  catalogue: Catalogue,
  at: (ref: string) => Promise<Catalogue>,
): Promise<RevisionIntents> {
  const loaded = await loadIntents(dir);
  // Each intent at the library revision it pins, the others at the current one.
  const resolved = await resolvePinned(loaded.intents, catalogue, at);
  const located = (issue: ValidationIssue): ValidationIssue =>
    issue.file ? { ...issue, file: `${label}:${intentsPath ? `${intentsPath}/` : ''}${issue.file}` } : issue;
  const issues = [...loaded.issues, ...resolved.issues].map(located);
  return {
    intents: loaded.intents,
    errors: issues.filter((i) => i.severity === 'error'),
    warnings: issues.filter((i) => i.severity === 'warning'),
    desired: resolved.intents,
  };
}

/**
 * `plan --base REF --head REF`: loads the intents at both revisions (validating each against
 * the schema and the library), names the intents the change touches, and plans those at the
 * head against NetBox — a removed intent that said `prune: true` is planned as wanting nothing,
 * so the review shows the deletes its removal brings. Errors at the head fail the run (exit 1)
 * before NetBox is read; errors already present at the base are only reported.
 */
export async function runReviewPlan(ctx: CliContext, options: ReviewPlanOptions): Promise<void> {
  if (options.libraryRef !== undefined) {
    if (options.base !== undefined || options.head !== undefined)
      throw new InvalidArgumentError('--library-ref previews an upgrade of the intents as they are; it does not combine with --base/--head');
    return runLibraryPreview(ctx, options, options.libraryRef);
  }
  const config = ctx.config();
  const repo = await openIntentRepository(options.intents ?? config.intentsPath);
  const baseRef = options.base ?? 'HEAD';
  const headRef = options.head ?? 'HEAD';
  const [baseRevision, headRevision] = await Promise.all([resolveRevision(repo, baseRef), resolveRevision(repo, headRef)]);
  const library = openLibrary(ctx, options);
  const catalogue = await library.current();
  const at = (ref: string): Promise<Catalogue> => library.at(ref);
  const base = await withIntentsAt(repo, baseRevision, (dir) => intentsAt(dir, baseRef, repo.intentsPath, catalogue, at));
  const head = await withIntentsAt(repo, headRevision, (dir) => intentsAt(dir, headRef, repo.intentsPath, catalogue, at));

  for (const issue of base.errors) ctx.err.write(`warning (already at ${baseRef}): ${formatIssue(issue)}\n`);
  for (const issue of head.warnings) ctx.err.write(`warning: ${formatIssue(issue)}\n`);
  if (head.errors.length > 0) {
    for (const issue of head.errors) ctx.err.write(`error: ${formatIssue(issue)}\n`);
    ctx.err.write(`intents at ${headRef} are invalid: nothing was read from NetBox\n`);
    throw new ExitCode(1);
  }

  const touched = touchedIntents(base.intents, head.intents);
  const keys = new Set(touched.filter((t) => t.change !== 'removed').map((t) => t.intent));
  const suspended = new Set(head.intents.filter((l) => l.intent.spec.suspend).map((l) => intentKey(l.intent)));
  const desired = head.desired.filter((d) => keys.has(`${d.ref.kind}/${d.ref.name}`) && !suspended.has(`${d.ref.kind}/${d.ref.name}`));
  desired.push(
    ...removedWithPrune(
      touched.filter((t) => t.change === 'removed').map((t) => t.intent),
      base.intents,
      base.desired,
    ),
  );
  const review: ReviewContext = {
    base: baseRef,
    head: headRef,
    baseRevision,
    headRevision,
    touched,
    untouched: head.intents.filter((l) => !keys.has(intentKey(l.intent))).length,
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
  const pruning = new Set(
    base.filter((l) => keys.includes(intentKey(l.intent)) && l.intent.spec.prune && !l.intent.spec.suspend).map((l) => intentKey(l.intent)),
  );
  return desired.filter((d) => pruning.has(`${d.ref.kind}/${d.ref.name}`)).map((d) => ({ ...d, manufacturers: [], deviceTypes: [], moduleTypes: [] }));
}

/**
 * `plan --library-ref NEW`: every intent (at its own pin, else the current library) planned
 * against NetBox as if the library were at NEW — a Git ref or content revision of the library
 * source, or another library folder — with the per-intent effect of the upgrade and the
 * library's own changes (files added, removed, renamed; models whose fields or templates changed).
 */
async function runLibraryPreview(ctx: CliContext, options: ReviewPlanOptions, ref: string): Promise<void> {
  const config = ctx.config();
  const library = openLibrary(ctx, options);
  const isFolder = await stat(ref).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const [base, to, loaded] = await Promise.all([
    library.current(),
    isFolder ? openLibrary(ctx, { library: ref }).current() : library.at(ref),
    loadIntents(options.intents ?? config.intentsPath),
  ]);
  const errors = loaded.issues.filter((i) => i.severity === 'error');
  for (const issue of loaded.issues) ctx.err.write(`${issue.severity}: ${formatIssue(issue)}\n`);
  if (errors.length > 0) {
    ctx.err.write('intents are invalid: nothing was read from NetBox\n');
    throw new ExitCode(1);
  }
  const active = loaded.intents.filter((l) => !l.intent.spec.suspend);
  const targets = [];
  for (const input of active) {
    const pin = pinOf(input);
    targets.push({ input, from: pin === undefined ? base : await library.at(pin) });
  }
  const client = createNetBoxClient(netBoxClientOptionsFromConfig(config.netbox, { logger: ctx.logger() }));
  try {
    const { plan, report } = await previewLibraryUpgrade(netBoxPortFor(client), targets, base, to, { concurrency: config.netbox.concurrency });
    const format = options.json ? 'json' : (options.format ?? 'text');
    ctx.out.write(
      renderPlan(plan, format, {
        libraryUpgrade: report,
        libraryRevision: to.revision,
        title: 'netbox-gitops library upgrade preview',
        ...(options.marker ? { marker: options.marker } : {}),
      }),
    );
    if (options.detailedExitcode && plan.summary.changes > 0) throw new ExitCode(2);
  } finally {
    await client.close();
  }
}
