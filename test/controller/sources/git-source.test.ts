import { chmodSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../controller/config/index.ts';
import { IntegrationError } from '../../../controller/errors/index.ts';
import { createCachedLibraryProvider, createGitIntentSource } from '../../../controller/sources/index.ts';
import type { Controller } from '../../../controller/sources/index.ts';
import { createDefaultDeps, createWorkflowService } from '../../../controller/workflow/index.ts';
import type { DefaultDeps, WorkflowService } from '../../../controller/workflow/index.ts';
import { createScratchLibrary } from '../catalogue/fixtures.ts';
import type { ScratchLibrary } from '../catalogue/fixtures.ts';
import { createTestController, startLeading, stopTestController } from '../../helpers/controller.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { tempDir, writeFile } from '../../helpers/files.ts';
import { createIntentsRepository } from '../../helpers/git.ts';
import type { IntentsRepository } from '../../helpers/git.ts';
import { vendorSetYaml } from '../../helpers/intents.ts';
import { memoryLogger } from '../../helpers/logger.ts';
import { redisConfig, uniqueName } from '../../helpers/redis.ts';
import { recordingRequester } from './helpers.ts';

let db: TestDatabase;
let scratch: ReturnType<typeof tempDir>;
let repo: IntentsRepository;
let workDir: string;
let bare: string;
let controller: Controller;
let library: ScratchLibrary;
let engine: DefaultDeps;
let service: WorkflowService;
let requester: ReturnType<typeof recordingRequester>;
const { logger } = memoryLogger();

interface Row {
  kind: string;
  name: string;
  status: string;
  revision: string | null;
  status_message: string | null;
  removed_at: Date | null;
  spec: { spec: Record<string, unknown> };
  revisions: number;
}

async function rows(): Promise<Map<string, Row>> {
  const result = await db.pool.query<Row>(
    `SELECT i.kind, i.name, i.status, i.revision, i.status_message, i.removed_at, i.spec,
            (SELECT count(*)::int FROM intent_revisions r WHERE r.intent_id = i.id) AS revisions
       FROM intents i`,
  );
  return new Map(result.rows.map((row) => [row.name, row]));
}

beforeAll(async () => {
  db = await createTestDatabase();
  scratch = tempDir('sources-git-');
  repo = await createIntentsRepository(scratch.path);
  ({ bare, workDir } = repo);
  writeFile(workDir, 'intents/a.yaml', vendorSetYaml('vendor-a'));
  writeFile(workDir, 'intents/b.yaml', vendorSetYaml('vendor-b', { prune: true }));
  writeFile(workDir, 'intents/keep.yaml', vendorSetYaml('vendor-keep'));
  // Outside the sub-path: never loaded.
  writeFile(workDir, 'README.yaml', 'not: an intent\n');
  await repo.commitAndPush('first');

  // The real workflow engine receives the requests (no worker runs, so processes stay queued).
  library = createScratchLibrary('sources-git-library-');
  engine = createDefaultDeps(loadConfig({ LOG_LEVEL: 'silent' }), logger, {
    pool: db.pool,
    redis: redisConfig(),
    queueName: uniqueName('workflows'),
    library: createCachedLibraryProvider({ root: library.root, cacheDir: path.join(scratch.path, 'cache') }),
  });
  service = createWorkflowService(engine);
  requester = recordingRequester(service);
  controller = await startLeading(
    createTestController({
      pool: db.pool,
      requester,
      sources: [createGitIntentSource({ url: `file://${bare}`, branch: 'main', path: 'intents', cacheDir: path.join(scratch.path, 'cache'), logger })],
      logger,
      pollIntervalMs: 3_600_000,
    }),
  );
});

afterAll(async () => {
  await stopTestController(controller);
  await service?.close();
  await engine?.close();
  await db?.drop();
  scratch?.remove();
  library?.remove();
});

describe('Git intent source', () => {
  it('loads the intents of the sub-path at the first commit and requests a reconcile of each', async () => {
    const sha = (await simpleGit(bare).revparse(['main'])).trim();
    const stored = await rows();
    expect([...stored.keys()].sort()).toEqual(['vendor-a', 'vendor-b', 'vendor-keep']);
    for (const row of stored.values()) {
      expect(row).toMatchObject({ kind: 'VendorSet', status: 'active', revision: sha, revisions: 1 });
    }
    expect(stored.get('vendor-a')?.spec).toMatchObject({ apiVersion: 'netbox-gitops.io/v1alpha1', kind: 'VendorSet', metadata: { name: 'vendor-a' } });
    expect(requester.keys().sort()).toEqual(['VendorSet/vendor-a', 'VendorSet/vendor-b', 'VendorSet/vendor-keep']);
    const processes = await db.pool.query<{ intent_name: string; workflow_name: string; status: string }>(
      'SELECT intent_name, workflow_name, status FROM processes ORDER BY intent_name',
    );
    expect(processes.rows).toEqual(
      ['vendor-a', 'vendor-b', 'vendor-keep'].map((name) => ({ intent_name: name, workflow_name: 'reconcile_intent', status: 'created' })),
    );
  });

  it('picks up a new commit: the changed intent is updated, gets a revision row, and only it is reconciled', async () => {
    requester.clear();
    writeFile(workDir, 'intents/a.yaml', vendorSetYaml('vendor-a', { interval: '5m' }));
    const shaB = await repo.commitAndPush('change vendor-a');

    const [report] = await controller.syncNow();
    expect(report?.error).toBeUndefined();
    expect(report?.revision).toBe(shaB);
    const stored = await rows();
    expect(stored.get('vendor-a')).toMatchObject({ revision: shaB, revisions: 2 });
    expect(stored.get('vendor-a')?.spec.spec.interval).toBe('5m');
    expect(stored.get('vendor-b')?.revisions).toBe(1);
    expect(requester.keys()).toEqual(['VendorSet/vendor-a']);
    expect(requester.requests[0]?.options).toMatchObject({ createdBy: 'controller' });
    expect(requester.requests[0]?.options?.reason).toContain(shaB);
  });

  it('a sync with no new commit requests nothing', async () => {
    requester.clear();
    await controller.syncNow();
    expect(requester.requests).toEqual([]);
  });

  it('marks invalid intents invalid with file:line messages, keeps their last valid spec, and never reconciles them', async () => {
    requester.clear();
    writeFile(workDir, 'intents/c.yaml', vendorSetYaml('vendor-c', { mode: 'sometimes' }));
    writeFile(workDir, 'intents/b.yaml', vendorSetYaml('vendor-b', { prune: true, interval: 'soon' }));
    await repo.commitAndPush('break b, add a broken c');

    await controller.syncNow();
    const stored = await rows();
    expect(stored.get('vendor-c')).toMatchObject({ status: 'invalid', revisions: 0 });
    expect(stored.get('vendor-c')?.status_message).toMatch(/^c\.yaml:\d+:\d+ spec\.mode: /);
    expect(stored.get('vendor-b')).toMatchObject({ status: 'invalid', revisions: 1 });
    expect(stored.get('vendor-b')?.status_message).toMatch(/b\.yaml:\d+:\d+ spec\.interval/);
    // The last valid version stays for the record; the engine must not act on it.
    expect(stored.get('vendor-b')?.spec.spec.interval).toBe('1h');
    expect(requester.requests).toEqual([]);
    const processes = await db.pool.query(`SELECT 1 FROM processes WHERE intent_name = 'vendor-c'`);
    expect(processes.rowCount).toBe(0);
  });

  it('holds back removals while a file has errors no intent can be named for', async () => {
    requester.clear();
    rmSync(path.join(workDir, 'intents/keep.yaml'));
    writeFile(workDir, 'intents/broken.yaml', 'kind: [unclosed\n');
    await repo.commitAndPush('remove keep, add unparseable file');

    const [report] = await controller.syncNow();
    expect(report?.result?.removalsWithheld).toBe(true);
    expect((await rows()).get('vendor-keep')?.status).toBe('active');
    expect(requester.requests).toEqual([]);
  });

  it('marks intents gone from the source removed and requests a prune only for those whose last version said prune: true', async () => {
    requester.clear();
    rmSync(path.join(workDir, 'intents/broken.yaml'));
    rmSync(path.join(workDir, 'intents/b.yaml'));
    await repo.commitAndPush('remove b and the broken file');

    const [report] = await controller.syncNow();
    const stored = await rows();
    expect(stored.get('vendor-b')).toMatchObject({ status: 'removed' });
    expect(stored.get('vendor-b')?.removed_at).toBeInstanceOf(Date);
    expect(stored.get('vendor-keep')).toMatchObject({ status: 'removed' });
    expect(report?.result?.removed).toEqual(
      expect.arrayContaining([
        { ref: { kind: 'VendorSet', name: 'vendor-b' }, prune: true },
        { ref: { kind: 'VendorSet', name: 'vendor-keep' }, prune: false },
      ]),
    );
    expect(requester.keys()).toEqual(['VendorSet/vendor-b']);
    expect(requester.requests[0]?.options?.reason).toMatch(/prune/);
  });

  it('an intent that comes back is active again and reconciled', async () => {
    requester.clear();
    writeFile(workDir, 'intents/keep.yaml', vendorSetYaml('vendor-keep'));
    await repo.commitAndPush('restore keep');
    await controller.syncNow();
    const keep = (await rows()).get('vendor-keep');
    expect(keep).toMatchObject({ status: 'active', removed_at: null });
    expect(requester.keys()).toEqual(['VendorSet/vendor-keep']);
  });
});

// Credentials (GIT_TOKEN as an origin-scoped extra header, never in argv or URLs) are tested
// against a real git http-backend in git-credentials.test.ts.

describe('Git over ssh', () => {
  it('runs ssh with our key only and accept-new host keys, via GIT_SSH_COMMAND', async () => {
    // A stand-in `ssh` first on PATH records how git called it, then fails like an unreachable host.
    const bin = path.join(scratch.path, 'fake-bin');
    const record = path.join(scratch.path, 'ssh-args.txt');
    writeFile(bin, 'ssh', `#!/bin/sh\necho "$@" > '${record}'\necho 'ssh: connect to host example.invalid port 22: Connection refused' >&2\nexit 255\n`);
    chmodSync(path.join(bin, 'ssh'), 0o755);
    const key = path.join(scratch.path, 'deploy key');
    writeFile(scratch.path, 'deploy key', 'not a real key\n');
    const source = createGitIntentSource({
      url: 'ssh://git@example.invalid/org/intents.git',
      sshKeyPath: key,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: scratch.path, GIT_DIR: '/must/not/leak' },
      cacheDir: path.join(scratch.path, 'ssh-cache'),
    });
    await expect(source.fetch()).rejects.toThrow(IntegrationError);
    const args = readFileSync(record, 'utf8');
    expect(args).toContain(`-i ${key} -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new`);
    expect(args).toContain('example.invalid');
  });
});
