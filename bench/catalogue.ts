/**
 * Benchmark of the devicetype-library catalogue: load + validate the whole library in a
 * fresh child process (so the figures are a cold start and peak RSS is the loader's own),
 * a few times, and report wall time, CPU time, peak RSS and what was loaded.
 *
 * Run directly: `npx tsx bench/catalogue.ts [library-root]` (default ../shared/devicetype-library).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCatalogueIssue, loadCatalogue } from '../controller/catalogue/index.ts';
import { runJsonChild } from './child.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
const REPO_ROOT = path.resolve(path.dirname(THIS_FILE), '..');
const RUNS = 3;
const TARGET_WALL_MS = 3_000;
const TARGET_PEAK_RSS_MB = 400;
const CHILD_FLAG = '--catalogue-bench-child';

interface ChildFigures {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssBeforeMb: number;
  readonly peakRssMb: number;
  readonly deviceTypes: number;
  readonly moduleTypes: number;
  readonly vendors: number;
  readonly templates: number;
  readonly errors: number;
  readonly warnings: number;
  readonly revision: string;
}

/** The measured side: one cold load, figures printed as JSON on stdout. */
async function measureOnce(libraryRoot: string): Promise<ChildFigures> {
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  const usageBefore = process.resourceUsage();
  const started = performance.now();
  const catalogue = await loadCatalogue({ root: libraryRoot });
  const wallMs = performance.now() - started;
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime - usageBefore.userCPUTime + usage.systemCPUTime - usageBefore.systemCPUTime) / 1000;
  const sum = (counts: Readonly<Record<string, number>> | undefined): number => Object.values(counts ?? {}).reduce((a, b) => a + b, 0);
  const issues = catalogue.issues.filter(isCatalogueIssue);
  return {
    wallMs,
    cpuMs,
    rssBeforeMb,
    peakRssMb: usage.maxRSS / 1024,
    deviceTypes: catalogue.deviceTypes.length,
    moduleTypes: catalogue.moduleTypes.length,
    vendors: catalogue.vendors.size,
    templates: sum(catalogue.stats?.deviceTypeTemplates) + sum(catalogue.stats?.moduleTypeTemplates),
    errors: issues.filter((issue) => issue.severity === 'error').length,
    warnings: issues.filter((issue) => issue.severity === 'warning').length,
    revision: catalogue.revision,
  };
}

function measureInChild(libraryRoot: string): Promise<ChildFigures> {
  return runJsonChild<ChildFigures>(THIS_FILE, [CHILD_FLAG, libraryRoot]);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const round = (value: number): number => Math.round(value);

/**
 * Loads the library at `libraryRoot` in {@link RUNS} fresh child processes (one after the
 * other) and returns the figures: median and best wall time, median CPU time, the highest
 * peak RSS, counts and issue totals, and whether the issue's targets (3 s, 400 MB) are met.
 */
export async function benchCatalogue(libraryRoot: string): Promise<Record<string, string | number>> {
  const root = path.resolve(libraryRoot);
  const runs: ChildFigures[] = [];
  for (let i = 0; i < RUNS; i += 1) runs.push(await measureInChild(root));
  const first = runs[0];
  if (!first) throw new Error('the catalogue benchmark produced no run');
  const wall = runs.map((r) => r.wallMs);
  const peak = Math.max(...runs.map((r) => r.peakRssMb));
  const wallMedian = median(wall);
  return {
    runs: RUNS,
    wallMsMedian: round(wallMedian),
    wallMsBest: round(Math.min(...wall)),
    wallMsWorst: round(Math.max(...wall)),
    cpuMsMedian: round(median(runs.map((r) => r.cpuMs))),
    peakRssMb: round(peak),
    rssBeforeLoadMb: round(first.rssBeforeMb),
    deviceTypes: first.deviceTypes,
    moduleTypes: first.moduleTypes,
    vendors: first.vendors,
    templates: first.templates,
    issueErrors: first.errors,
    issueWarnings: first.warnings,
    revision: first.revision,
    targetWallMs: TARGET_WALL_MS,
    targetPeakRssMb: TARGET_PEAK_RSS_MB,
    withinTargets: wallMedian < TARGET_WALL_MS && peak < TARGET_PEAK_RSS_MB ? 'yes' : 'no',
  };
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === CHILD_FLAG) {
    const figures = await measureOnce(argv[1] ?? '');
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return;
  }
  const root = argv[0] ?? path.resolve(REPO_ROOT, '../shared/devicetype-library');
  const figures = await benchCatalogue(root);
  for (const [name, value] of Object.entries(figures)) process.stdout.write(`${name.padEnd(18)} ${value}\n`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === THIS_FILE) {
  await main(process.argv.slice(2));
}
