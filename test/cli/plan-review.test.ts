// `plan --base/--head` on a temporary Git repository: two commits of an intents folder, the
// emulator as NetBox, the real library snapshot.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.ts';
import type { Emulator } from '../../emulator/index.ts';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { LIBRARY_PATH } from '../helpers/library.ts';

let emulator: Emulator;
let repo: string;
let intents: string;
const commits: Record<string, string> = {};

const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' }).trim();

const doc = (kind: string, name: string, spec: string): string =>
  `apiVersion: netbox-gitops.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

const env = (): Record<string, string> => cliEnv({ netbox: emulator }, { CACHE_DIR: path.join(repo, '.cache') });

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  repo = await mkdtemp(path.join(tmpdir(), 'nbg-review-'));
  intents = path.join(repo, 'intents');
  await mkdir(path.join(intents, 'lab'), { recursive: true });
  git('init', '-q', '-b', 'main');
  await writeFile(path.join(repo, '.gitignore'), '.cache/\n');
  await writeFile(path.join(repo, 'README.md'), 'intents for review\n');
  await writeFile(path.join(intents, 'vendors.yaml'), doc('VendorSet', 'vendors', '  mode: enforce\n  vendors: [Arista]\n'));
  await writeFile(path.join(intents, 'keep.yaml'), doc('DeviceTypeSet', 'keep', '  vendors: [Arista]\n  include: ["^DCS-7050CX3-32S-F$"]\n'));
  await writeFile(
    path.join(intents, 'lab', 'gone.yaml'),
    doc('DeviceTypeSet', 'gone', '  mode: enforce\n  prune: true\n  vendors: [Arista]\n  include: ["^DCS-7280CR3-32P4-F$"]\n'),
  );
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  commits.base = git('rev-parse', 'HEAD');
  // NetBox holds what the base asked for.
  const applied = await runCli(['apply', '--intents', intents, '--library', LIBRARY_PATH, '--yes'], env());
  expect(applied.code, applied.err).toBe(0);

  await writeFile(path.join(intents, 'vendors.yaml'), doc('VendorSet', 'vendors', '  mode: enforce\n  vendors: [Arista, Juniper]\n'));
  await writeFile(path.join(intents, 'lab', 'new.yaml'), doc('DeviceTypeSet', 'new', '  mode: enforce\n  vendors: [Juniper]\n  include: ["^EX4300-48T$"]\n'));
  await rm(path.join(intents, 'lab', 'gone.yaml'));
  // A comment-only edit does not touch the intent.
  await writeFile(path.join(intents, 'keep.yaml'), `# reviewed\n${doc('DeviceTypeSet', 'keep', '  vendors: [Arista]\n  include: ["^DCS-7050CX3-32S-F$"]\n')}`);
  git('add', '-A');
  git('commit', '-q', '-m', 'head');
  commits.head = git('rev-parse', 'HEAD');

  await writeFile(path.join(intents, 'bad.yaml'), doc('VendorSet', 'bad', '  vendors: [Nokla]\n'));
  git('add', '-A');
  git('commit', '-q', '-m', 'broken');
  git('tag', 'broken');
  git('checkout', '-q', commits.head);
});

afterAll(async () => {
  await emulator.close();
  await rm(repo, { recursive: true, force: true });
});

interface ReviewJson {
  review: { baseRevision: string; headRevision: string; touched: { intent: string; change: string; file: string }[]; untouched: number };
  intents: { ref: { kind: string; name: string } }[];
  operations: { action: string; kind: string; identity: string; intents: string[] }[];
}

describe('plan --base --head', () => {
  it('names the intents the change touches and plans only those, at the head', async () => {
    const run = await runCli(
      ['plan', '--intents', intents, '--library', LIBRARY_PATH, '--base', commits.base!, '--head', commits.head!, '--format', 'json'],
      env(),
    );
    expect(run.code, run.err).toBe(0);
    const result = JSON.parse(run.out) as ReviewJson;
    expect(result.review.baseRevision).toBe(commits.base);
    expect(result.review.headRevision).toBe(commits.head);
    expect(result.review.touched).toEqual([
      { intent: 'DeviceTypeSet/gone', change: 'removed', file: 'lab/gone.yaml' },
      { intent: 'DeviceTypeSet/new', change: 'added', file: 'lab/new.yaml' },
      { intent: 'VendorSet/vendors', change: 'modified', file: 'vendors.yaml' },
    ]);
    expect(result.review.untouched).toBe(1);
    expect(result.intents.map((i) => `${i.ref.kind}/${i.ref.name}`).sort()).toEqual(['DeviceTypeSet/gone', 'DeviceTypeSet/new', 'VendorSet/vendors']);
    const ops = result.operations.map((o) => `${o.action} ${o.kind} ${o.identity}`);
    // The removed intent said prune: its device type goes.
    expect(ops).toContain('delete device-type arista/DCS-7280CR3-32P4-F');
    expect(ops).toContain('create manufacturer juniper');
    expect(ops).toContain('create device-type juniper/EX4300-48T');
    // The untouched intent is not planned (its type exists; it would show nothing anyway).
    expect(result.operations.every((o) => !o.intents.includes('DeviceTypeSet/keep'))).toBe(true);
  });

  it('renders the review as a comment and keeps --detailed-exitcode', async () => {
    const run = await runCli(
      [
        'plan',
        '--intents',
        intents,
        '--library',
        LIBRARY_PATH,
        '--base',
        commits.base!,
        '--head',
        commits.head!,
        '--format',
        'markdown',
        '--detailed-exitcode',
      ],
      env(),
    );
    expect(run.code, run.err).toBe(2);
    expect(run.out.startsWith('<!-- netbox-gitops-plan -->\n')).toBe(true);
    expect(run.out).toContain(`touches 3 intents; 1 other intent is not planned`);
    expect(run.out).toContain('- removed <code>DeviceTypeSet/gone</code> in <code>lab/gone.yaml</code>');
    // The removed intent's device type is deleted and its tag taken off the shared manufacturer.
    expect(run.out).toContain('| <code>DeviceTypeSet/gone</code> | enforce | 0 | 1 | 1 | 0 | 0 | 0 |');
  });

  it('plans nothing for a change that touches no intent', async () => {
    const run = await runCli(
      ['plan', '--intents', intents, '--library', LIBRARY_PATH, '--base', commits.head!, '--head', commits.head!, '--detailed-exitcode', '--format', 'json'],
      env(),
    );
    expect(run.code, run.err).toBe(0);
    const result = JSON.parse(run.out) as ReviewJson;
    expect(result.review.touched).toEqual([]);
    expect(result.operations).toEqual([]);
  });

  it('fails on an invalid head before reading NetBox, naming the revision and file', async () => {
    emulator.resetStats();
    const run = await runCli(['plan', '--intents', intents, '--library', LIBRARY_PATH, '--base', commits.head!, '--head', 'broken'], env());
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/broken:intents\/bad\.yaml:\d+:\d+ .*spec\.vendors\[0\]/);
    expect(emulator.stats().requests.total).toBe(0);
  });

  it('names a ref that does not exist', async () => {
    const run = runCli(['plan', '--intents', intents, '--library', LIBRARY_PATH, '--base', 'no-such-branch'], env());
    await expect(run).rejects.toThrow(/Git ref "no-such-branch" does not name a commit/);
  });
});
