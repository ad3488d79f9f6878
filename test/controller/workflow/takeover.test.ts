// Real worker processes (`netbox-gitops worker`, sources or dist/ as the CLI tests run it) against the test database, Redis
// and an emulator with latency: one is killed with SIGKILL in the middle of apply, another
// takes the job over; one is stopped with SIGTERM and hands its process back.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, cliProcessArgs } from '../../helpers/cli.ts';
import type { ProcessDetail } from '../../../controller/workflow/index.ts';
import { LIBRARY_PATH } from '../../helpers/library.ts';
import { putIntent, startEngine, vendorIntent, waitFor, waitForStatus } from './helpers.ts';
import type { EngineFixture } from './helpers.ts';

const VENDORS = 120;
const CHUNK = 5;

interface ChildWorker {
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let engine: EngineFixture;
const children: ChildWorker[] = [];

async function spawnWorker(): Promise<ChildWorker> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...cliEnv(
      { database: engine.db, netbox: engine.nb.emulator, queueName: engine.queueName },
      {
        NETBOX_WRITE_CHUNK: String(CHUNK),
        NETBOX_CONCURRENCY: '1',
        WORKFLOW_LOCK_DURATION_MS: '1500',
        WORKFLOW_STALLED_INTERVAL_MS: '500',
        LIBRARY_PATH,
        LOG_LEVEL: 'info',
      },
    ),
  };
  const child = spawn(process.execPath, [...cliProcessArgs(), 'worker', '--concurrency', '1', '--shutdown-grace', '300'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const worker: ChildWorker = { child, pid: child.pid ?? -1, output: () => text, exited };
  children.push(worker);
  await waitFor('the worker to be ready', () => (text.includes('workflow worker ready') ? true : undefined), 60_000, 50).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; its output:\n${text}`);
  });
  return worker;
}

/** The pid in a step's `worker` field (`host:pid:n`). */
function pidOf(worker: unknown): number {
  return Number(String(worker).split(':').at(-2));
}

async function applyInProgress(id: string, minAudit: number): Promise<ProcessDetail> {
  return waitFor(
    'apply to be half-way',
    async () => {
      const p = await engine.service.getProcess(id);
      if (p && ['completed', 'failed', 'cancelled'].includes(p.status)) throw new Error(`process ended too early: ${p.status}`);
      return p && p.currentStep === 'apply' && p.auditCount >= minAudit ? p : undefined;
    },
    60_000,
    20,
  );
}

beforeAll(async () => {
  engine = await startEngine();
  engine.nb.emulator.setFaults({ latencyMs: 60, writeMsPerObject: 4 });
  await Promise.all([spawnWorker(), spawnWorker()]);
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  await engine?.close();
});

describe('a worker killed in the middle of a process', () => {
  it('loses nothing: another worker resumes after the last completed step and NetBox ends with no duplicates', async () => {
    const ref = await putIntent(engine.db, vendorIntent('big', VENDORS));
    const started = await engine.service.startWorkflow('reconcile_intent', ref, { createdBy: 'takeover-test' });
    const midway = await applyInProgress(started.id, 4 * CHUNK);
    const holderPid = pidOf(midway.steps.find((s) => s.name === 'apply')?.input.worker);
    const victim = children.find((c) => c.pid === holderPid);
    expect(victim).toBeDefined();
    victim?.child.kill('SIGKILL');
    expect((await victim?.exited)?.signal).toBe('SIGKILL');

    const done = await waitForStatus(engine.service, started.id, ['completed', 'failed', 'cancelled'], 60_000);
    expect(done.status).toBe('completed');
    const byName = (name: string) => done.steps.filter((s) => s.name === name);
    // Steps before apply ran once, on the dead worker; apply ran twice: the dead attempt and the takeover.
    for (const name of ['resolve', 'snapshot', 'diff']) {
      expect(byName(name).map((s) => s.status)).toEqual(['completed']);
      expect(pidOf(byName(name)[0]?.input.worker)).toBe(holderPid);
    }
    const [dead, resumed] = byName('apply');
    expect(dead?.status).toBe('failed');
    expect(dead?.errorMessage).toMatch(/worker running this attempt stopped/);
    expect(resumed).toMatchObject({ attempt: 2, status: 'completed' });
    expect(pidOf(resumed?.input.worker)).not.toBe(holderPid);
    expect(resumed?.output).toMatchObject({ replanned: true });
    // The takeover only created what the dead worker had not.
    expect(Number(resumed?.output.applied)).toBeLessThan(VENDORS);
    expect(byName('verify')[0]?.output).toMatchObject({ converged: true, drift: 0 });

    const slugs = engine.nb.emulator.store
      .list('manufacturers')
      .map((m) => String(m.slug))
      .filter((s) => s.startsWith('big-'));
    expect(slugs).toHaveLength(VENDORS);
    expect(new Set(slugs).size).toBe(VENDORS);
    const audit = await engine.service.listAudit({ processId: started.id, objectKind: 'manufacturer', limit: 500 });
    const identities = audit.items.map((a) => a.objectIdentity);
    // No change is recorded twice; at most the one chunk in flight at the kill went in without its audit rows.
    expect(new Set(identities).size).toBe(identities.length);
    expect(identities.length).toBeGreaterThanOrEqual(VENDORS - CHUNK);
    expect(identities.length).toBeLessThanOrEqual(VENDORS);
  });

  it('on SIGTERM finishes or hands back its step, and another worker completes the process', async () => {
    await spawnWorker();
    const ref = await putIntent(engine.db, vendorIntent('calm', VENDORS));
    const started = await engine.service.startWorkflow('reconcile_intent', ref);
    const midway = await applyInProgress(started.id, 2 * CHUNK);
    const holderPid = pidOf(midway.steps.find((s) => s.name === 'apply')?.input.worker);
    const holder = children.find((c) => c.pid === holderPid);
    expect(holder).toBeDefined();
    holder?.child.kill('SIGTERM');
    const exit = await holder?.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(holder?.output()).toMatch(/workflow worker stopped/);

    const done = await waitForStatus(engine.service, started.id, ['completed', 'failed', 'cancelled'], 60_000);
    expect(done.status).toBe('completed');
    expect(done.state.handedBack).toBeUndefined();
    const applies = done.steps.filter((s) => s.name === 'apply');
    expect(applies[0]).toMatchObject({ status: 'failed', error: { type: 'StepInterruptedError' } });
    expect(applies.at(-1)).toMatchObject({ status: 'completed', output: { replanned: true } });
    expect(pidOf(applies.at(-1)?.input.worker)).not.toBe(holderPid);
    expect(engine.nb.emulator.store.list('manufacturers').filter((m) => String(m.slug).startsWith('calm-'))).toHaveLength(VENDORS);
  });
});
