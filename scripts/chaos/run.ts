// The chaos suite: scenarios that start real workers, the API and the emulator (and
// controllers), inject a fault, and print one table row each — objects written, duplicates,
// drift after, audit rows vs objects, processes lost, time to converge.
//
//   npm run chaos                 every scenario (about 10 minutes)
//   npm run chaos -- --short      a few of them (CI), under about 2 minutes
//   npm run chaos -- --only kill9-mid-templates,netbox-down-6s
//
// Exit code: 1 when a scenario loses a process or leaves duplicates or drift; 3 when one could
// not run to its end (setup failed, a wait timed out on a loaded machine); 0 otherwise. Audit
// rows ≠ objects is shown but does not fail the run: keeping them equal is the apply outbox's
// job, tested on its own. Output of the child processes: .cache/chaos/. Not part of `npm test`.
import { Stack, pidOfWorkerId, sleep, until } from './harness.ts';
import type { Child } from './harness.ts';
import type { EmulatorOptions } from '../../emulator/index.ts';
import { NETBOX_PATHS, measure, printHeader, printRow, printSummary } from './metrics.ts';
import type { Row } from './metrics.ts';

/** The workload: 51 Arista device types and about 3,000 templates, in chunks of at most 20. */
const INTENT = {
  apiVersion: 'netbox-gitops.io/v1alpha1',
  kind: 'DeviceTypeSet',
  metadata: { name: 'chaos-arista' },
  spec: { mode: 'enforce', vendors: ['Arista'], include: ['^DCS-7050'] },
};
const SECOND_INTENTS = ['^DCS-7060', '^DCS-7280'];

interface Context {
  readonly stack: Stack;
  workers: Child[];
  readonly processIds: Set<string>;
  faultAt: number;
  notes: string[];
}

interface Scenario {
  readonly name: string;
  readonly short?: boolean;
  readonly env?: Record<string, string>;
  /** Emulator options on top of the stack's (cost model). */
  readonly emulator?: EmulatorOptions;
  /** Intents only in the folder, for controllers to load (no intents-table rows written here). */
  readonly fromFolder?: boolean;
  run(ctx: Context): Promise<void>;
}

// ------------------------------------------------------------------ triggers

async function stepRunning(ctx: Context, id: string, names: readonly string[]): Promise<{ name: string; worker: string } | undefined> {
  const { rows } = await ctx.stack.db.pool.query<{ step_name: string; worker: string }>(
    `SELECT step_name, input_data ->> 'worker' AS worker FROM process_steps WHERE process_id = $1 AND status = 'running' AND step_name = ANY($2) ORDER BY position DESC LIMIT 1`,
    [id, names],
  );
  const row = rows[0];
  return row ? { name: row.step_name, worker: row.worker } : undefined;
}

function posts(ctx: Context, filter: (path: string) => boolean): number {
  const by = ctx.stack.emu.stats().requests.byEndpoint;
  return Object.entries(by)
    .filter(([k]) => k.startsWith('POST ') && filter(k.slice(5)))
    .reduce((n, [, v]) => n + v, 0);
}
const deviceTypePosts = (ctx: Context): number => posts(ctx, (p) => p === NETBOX_PATHS.deviceTypes);
const templatePosts = (ctx: Context): number => posts(ctx, (p) => p.includes('-templates/'));
const allWrites = (ctx: Context): number => posts(ctx, () => true);

async function startReconcile(ctx: Context, name = INTENT.metadata.name): Promise<string> {
  const p = await ctx.stack.apiCall<{ id: string }>('POST', '/workflows/reconcile_intent', { kind: 'DeviceTypeSet', name });
  ctx.processIds.add(p.id);
  return p.id;
}

async function statusOf(ctx: Context, id: string): Promise<{ status: string; error: { message: string } | null }> {
  return ctx.stack.apiCall('GET', `/processes/${id}`);
}

async function waitTerminal(ctx: Context, id: string, timeoutMs = 180_000): Promise<{ status: string; error: { message: string } | null }> {
  return until(
    `process ${id} to finish`,
    async () => {
      const p = await statusOf(ctx, id);
      return ['completed', 'failed', 'cancelled'].includes(p.status) ? p : undefined;
    },
    timeoutMs,
    200,
  );
}

/** Kills (-9) the worker running `id` once `trigger` holds, and starts a replacement. */
async function killWorkerWhen(ctx: Context, id: string, what: string, trigger: () => Promise<boolean> | boolean, steps: readonly string[]): Promise<void> {
  const running = await until(what, async () => ((await trigger()) ? stepRunning(ctx, id, steps) : undefined), 120_000, 5);
  const pid = pidOfWorkerId(running.worker);
  const victim = ctx.workers.find((w) => w.pid === pid);
  if (!victim) throw new Error(`no worker with pid ${pid} (${running.worker})`);
  ctx.faultAt = Date.now();
  ctx.notes.push(`killed in ${running.name}, ${allWrites(ctx)} write requests served`);
  await ctx.stack.kill9(victim);
  ctx.workers = ctx.workers.filter((w) => w !== victim);
  ctx.workers.push(await ctx.stack.startWorker());
}

/** The usual run: one reconcile of the workload, a fault injected by `inject`, then wait for it to finish. */
function singleRun(inject: (ctx: Context, id: string) => Promise<void>): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    const id = await startReconcile(ctx);
    await inject(ctx, id);
    const end = await waitTerminal(ctx, id);
    if (end.status !== 'completed') ctx.notes.push(`${end.status}: ${end.error?.message.slice(0, 160) ?? '(no message)'}`);
  };
}

/** Reconciles again (as the controller's next check would) until a run completes; at most `rounds`. */
async function untilCompleted(ctx: Context, rounds: number): Promise<void> {
  for (let round = 1; round <= rounds; round++) {
    const id = await startReconcile(ctx);
    const end = await waitTerminal(ctx, id);
    if (end.status === 'completed') {
      if (round > 1) ctx.notes.push(`completed in round ${round}`);
      return;
    }
    ctx.notes.push(`round ${round} ${end.status}: ${end.error?.message.slice(0, 100) ?? ''}`);
  }
}

// ------------------------------------------------------------------ scenarios

/** Puts the workload's intent and two more on other Arista series (all three want the Arista manufacturer). */
async function threeIntents(ctx: Context): Promise<string[]> {
  const names = [INTENT.metadata.name];
  for (const [i, include] of SECOND_INTENTS.entries()) {
    const intent = { ...INTENT, metadata: { name: `chaos-more-${i}` }, spec: { ...INTENT.spec, include: [include] } };
    names.push((await ctx.stack.putIntent(intent)).name);
  }
  return names;
}

const SCENARIOS: Scenario[] = [
  {
    // No fault: what three concurrent reconciles of overlapping intents give by themselves.
    name: 'no-fault-three-intents',
    async run(ctx) {
      const ids = await Promise.all((await threeIntents(ctx)).map((n) => startReconcile(ctx, n)));
      ctx.faultAt = Date.now();
      for (const id of ids) {
        const end = await waitTerminal(ctx, id);
        if (end.status !== 'completed') ctx.notes.push(`${end.status}: ${end.error?.message.slice(0, 120) ?? ''}`);
      }
    },
  },
  {
    name: 'kill9-before-first-write',
    run: singleRun((ctx, id) => killWorkerWhen(ctx, id, 'the diff or apply step before any write', () => allWrites(ctx) === 0, ['diff', 'apply'])),
  },
  {
    name: 'kill9-mid-device-types',
    run: singleRun((ctx, id) => killWorkerWhen(ctx, id, 'device types half written', () => deviceTypePosts(ctx) >= 1 && templatePosts(ctx) === 0, ['apply'])),
  },
  {
    name: 'kill9-mid-templates',
    short: true,
    run: singleRun((ctx, id) => killWorkerWhen(ctx, id, 'templates being written', () => templatePosts(ctx) >= 20, ['apply'])),
  },
  {
    // Verification is the re-read of NetBox after the last write (the apply step's last re-plan,
    // which the verify step reuses, or the verify step's own read on a resumed run). Reads cost
    // 1 ms per object here so that it lasts long enough to be caught: the kill comes once writes
    // have stopped for 400 ms while apply or verify runs.
    name: 'kill9-during-verify',
    emulator: { readMsPerObject: 1 },
    run: singleRun((ctx, id) => {
      let seen = -1;
      let since = Date.now();
      const writesStopped = (): boolean => {
        const writes = allWrites(ctx);
        if (writes !== seen) {
          seen = writes;
          since = Date.now();
          return false;
        }
        return writes > 0 && Date.now() - since > 400;
      };
      return killWorkerWhen(ctx, id, 'the re-read of NetBox after the last write', writesStopped, ['apply', 'verify']);
    }),
  },
  {
    name: 'kill9-during-record',
    emulator: { readMsPerObject: 1 },
    run: singleRun(async (ctx, id) => {
      // The record step updates the intent's row: holding that row makes the step wait where it can be killed.
      await until('the verify step', () => stepRunning(ctx, id, ['verify']), 120_000, 5);
      const client = await ctx.stack.db.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT 1 FROM intents WHERE name = $1 FOR UPDATE`, [INTENT.metadata.name]);
        await killWorkerWhen(ctx, id, 'the record step', () => true, ['record']);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    }),
  },
  {
    name: 'sigterm-under-load',
    async run(ctx) {
      const ids = await Promise.all((await threeIntents(ctx)).map((n) => startReconcile(ctx, n)));
      await until('templates being written', () => templatePosts(ctx) >= 20, 120_000, 5);
      const victim = ctx.workers[0] as Child;
      ctx.faultAt = Date.now();
      victim.child.kill('SIGTERM');
      const code = await victim.exited;
      ctx.notes.push(`SIGTERM: worker exited ${code} after ${((Date.now() - ctx.faultAt) / 1000).toFixed(1)} s`);
      ctx.workers = ctx.workers.filter((w) => w !== victim);
      ctx.workers.push(await ctx.stack.startWorker());
      for (const id of ids) {
        const end = await waitTerminal(ctx, id);
        if (end.status !== 'completed') ctx.notes.push(`${end.status}: ${end.error?.message.slice(0, 120) ?? ''}`);
      }
    },
  },
  {
    name: 'netbox-down-6s',
    short: true,
    run: singleRun(async (ctx) => {
      await until('templates being written', () => templatePosts(ctx) >= 20, 120_000, 5);
      ctx.faultAt = Date.now();
      ctx.stack.emu.setFaults({ downForMs: 6_000 });
    }),
  },
  {
    name: 'netbox-down-40s',
    run: singleRun(async (ctx, id) => {
      await until('templates being written', () => templatePosts(ctx) >= 20, 120_000, 5);
      ctx.faultAt = Date.now();
      ctx.stack.emu.setFaults({ downForMs: 40_000 });
      const waiting = await until(
        'the process to wait',
        async () => {
          const p = await statusOf(ctx, id);
          return p.status === 'waiting' || p.status === 'completed' || p.status === 'failed' ? p : undefined;
        },
        60_000,
        200,
      );
      ctx.notes.push(`seen ${waiting.status}${waiting.status === 'waiting' ? `: "${waiting.error?.message.slice(0, 60) ?? ''}…"` : ''}`);
    }),
  },
  {
    // The issue's 20 minutes with a 20 s budget: the process must end failed with a message (not
    // lost, not waiting forever); once NetBox is back a retry through the API completes it.
    name: 'netbox-down-past-budget',
    env: { NETBOX_OUTAGE_BUDGET: '20s' },
    async run(ctx) {
      const id = await startReconcile(ctx);
      await until('templates being written', () => templatePosts(ctx) >= 20, 120_000, 5);
      ctx.faultAt = Date.now();
      ctx.stack.emu.setFaults({ down: true });
      const end = await waitTerminal(ctx, id, 120_000);
      ctx.notes.push(`${end.status} after ${((Date.now() - ctx.faultAt) / 1000).toFixed(0)} s: "${end.error?.message.slice(0, 90) ?? '(no message)'}…"`);
      ctx.stack.emu.setFaults({ down: false });
      await ctx.stack.apiCall('POST', `/processes/${id}/retry`);
      const again = await waitTerminal(ctx, id);
      ctx.notes.push(`retried: ${again.status}`);
    },
  },
  {
    name: '5xx-20pct-429-bursts',
    async run(ctx) {
      ctx.faultAt = Date.now();
      ctx.stack.emu.setFaults({ errorRate: 0.2, errorStatuses: [500, 502, 503, 504], rateLimit: { every: 25, burst: 3, retryAfterSeconds: 1 } });
      const id = await startReconcile(ctx);
      const end = await waitTerminal(ctx, id);
      ctx.notes.push(`first run ${end.status}${end.error ? `: ${end.error.message.slice(0, 80)}` : ''}`);
      if (end.status !== 'completed') {
        // The next scheduled check would run again; the faults stay on.
        const rounds = ctx.processIds.size;
        await untilCompleted(ctx, 5);
        ctx.notes.push(`reconciles: ${ctx.processIds.size - rounds + 1}`);
      }
      ctx.stack.emu.setFaults({ errorRate: 0, rateLimit: null });
    },
  },
  {
    name: 'commit-then-timeout',
    env: { NETBOX_TIMEOUT: '2' },
    async run(ctx) {
      ctx.faultAt = Date.now();
      ctx.stack.emu.setFaults({ commitThenTimeout: { rate: 0.15, max: null, answerAfterMs: null, endpoints: null } });
      const id = await startReconcile(ctx);
      const end = await waitTerminal(ctx, id);
      ctx.notes.push(`${ctx.stack.emu.stats().faultsInjected.committedThenTimedOut} answers lost; ${end.status}`);
      ctx.stack.emu.setFaults({ commitThenTimeout: null });
      if (end.status !== 'completed') await untilCompleted(ctx, 3);
    },
  },
  {
    name: 'redis-restart',
    run: singleRun(async (ctx) => {
      await until('templates being written', () => templatePosts(ctx) >= 20, 120_000, 5);
      ctx.faultAt = Date.now();
      await ctx.stack.redis.kill();
      await sleep(3_000);
      await ctx.stack.redis.start();
      ctx.notes.push('private redis-server killed, back after 3 s (append-only file kept)');
    }),
  },
  {
    name: 'postgres-connections-killed',
    short: true,
    run: singleRun(async (ctx) => {
      await until('templates being written', () => templatePosts(ctx) >= 20, 120_000, 5);
      ctx.faultAt = Date.now();
      // Only this scenario's database: its backends, never anyone else's.
      const { rows } = await ctx.stack.db.pool.query<{ killed: string }>(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS killed FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      ctx.notes.push(`${rows[0]?.killed ?? 0} backends terminated`);
    }),
  },
  {
    name: 'two-controllers-leader-killed',
    fromFolder: true,
    async run(ctx) {
      const env = { CONTROLLER_LEADER_TTL: '3s' };
      const controllers = [
        ctx.stack.spawn('controller-a', ['controller', '--intents', ctx.stack.intentsDir, '--wait-for-services', '10'], env),
        ctx.stack.spawn('controller-b', ['controller', '--intents', ctx.stack.intentsDir, '--wait-for-services', '10'], env),
      ];
      const leaderPid = await until(
        'a leader',
        async () => {
          const value = await ctx.stack.redis.get('netbox-gitops:controller:leader');
          return value ? (pidOfWorkerId(`${value}:x`) ?? Number(value.split(':')[1])) : undefined;
        },
        90_000,
        200,
      );
      const leader = controllers.find((c) => c.pid === leaderPid);
      if (!leader) throw new Error(`the leader pid ${leaderPid} is none of the controllers`);
      // The leader's first reconcile is writing; kill it, then change the intents: the standby must take over.
      await until('templates being written', () => templatePosts(ctx) >= 20, 120_000, 5);
      ctx.faultAt = Date.now();
      await ctx.stack.kill9(leader);
      const more = { ...INTENT, metadata: { name: 'chaos-after-failover' }, spec: { ...INTENT.spec, include: ['^DCS-7060'] } };
      await ctx.stack.putIntent(more, true);
      const standby = controllers.find((c) => c !== leader) as Child;
      await until(
        'the standby to lead',
        async () => Number((await ctx.stack.redis.get('netbox-gitops:controller:leader'))?.split(':')[1]) === standby.pid,
        60_000,
        200,
      );
      // Converged when every process the controllers started is finished and nothing is left to do.
      await until(
        "the controllers' processes to converge",
        async () => {
          const { rows } = await ctx.stack.db.pool.query<{ id: string; status: string; intent_name: string }>(`SELECT id, status, intent_name FROM processes`);
          for (const r of rows) ctx.processIds.add(r.id);
          const names = new Set(rows.filter((r) => r.status === 'completed').map((r) => r.intent_name));
          return (
            rows.every((r) => ['completed', 'failed', 'cancelled'].includes(r.status)) && names.has('chaos-after-failover') && names.has(INTENT.metadata.name)
          );
        },
        240_000,
        500,
      );
      ctx.notes.push(`leader ${leader.name} killed; ${standby.name} took over`);
    },
  },
];

// ------------------------------------------------------------------ main

async function runScenario(scenario: Scenario): Promise<Row> {
  const started = Date.now();
  const stack = await Stack.start({
    scenario: scenario.name,
    ...(scenario.env ? { env: scenario.env } : {}),
    ...(scenario.emulator ? { emulator: scenario.emulator } : {}),
  });
  const ctx: Context = { stack, workers: [], processIds: new Set(), faultAt: 0, notes: [] };
  try {
    await stack.putIntent(INTENT, scenario.fromFolder === true);
    const [a, b] = await Promise.all([stack.startWorker('worker-a'), stack.startWorker('worker-b'), stack.startApi()]);
    ctx.workers = [a, b];
    await scenario.run(ctx);
    const convergedAt = Date.now();
    if (stack.apiErrors > 0) ctx.notes.push(`the API answered ${stack.apiErrors} read(s) with 5xx or not at all (tried again)`);
    return await measure(stack, { scenario: scenario.name, processIds: [...ctx.processIds], faultAt: ctx.faultAt || started, convergedAt, notes: ctx.notes });
  } catch (error) {
    return {
      scenario: scenario.name,
      objects: 0,
      duplicates: 0,
      drift: -1,
      audit: 0,
      lost: -1,
      convergeS: -1,
      notes: [...ctx.notes, `could not run: ${(error as Error).message}`],
      ok: false,
      ran: false,
    };
  } finally {
    await stack.close();
  }
}

function parseArgs(argv: readonly string[]): { short: boolean; only: string[] | undefined } {
  const short = argv.includes('--short');
  const i = argv.indexOf('--only');
  const only = i >= 0 ? (argv[i + 1] ?? '').split(',').filter(Boolean) : undefined;
  return { short, only };
}

async function main(): Promise<void> {
  const { short, only } = parseArgs(process.argv.slice(2));
  const chosen = SCENARIOS.filter((s) => (only ? only.includes(s.name) : !short || s.short));
  if (chosen.length === 0) throw new Error(`no scenario chosen; names: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  printHeader();
  const rows: Row[] = [];
  const suiteStarted = Date.now();
  for (const scenario of chosen) {
    const started = Date.now();
    const row = await runScenario(scenario);
    console.error(`(${scenario.name}: ${((Date.now() - started) / 1000).toFixed(0)} s wall)`);
    rows.push(row);
    printRow(row);
  }
  printSummary(rows);
  console.log(`wall time ${((Date.now() - suiteStarted) / 1000).toFixed(0)} s`);
  // 1: a scenario found lost processes, duplicates or drift; 3: one could not run to its end.
  process.exitCode = rows.some((r) => r.ran && !r.ok) ? 1 : rows.some((r) => !r.ran) ? 3 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
