// Hostile intent folders: links out of the folder, link loops, FIFOs, binary and huge bad
// files, terminal escapes and bidirectional controls. Nothing outside the folder is read or
// echoed, nothing blocks, and every message is short and printable.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatIssue } from '../../../controller/errors/index.ts';
import { MAX_ISSUES_PER_FILE, loadIntents, parseIntentText, validateIntentObject } from '../../../controller/intents/index.ts';
import { hashIntentFolder } from '../../../controller/sources/index.ts';

let root: string;
let dir: string;
let outside: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nbg-hostile-'));
  dir = join(root, 'intents');
  outside = join(root, 'outside');
  await mkdir(dir);
  await mkdir(outside);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(base: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(base, name)), { recursive: true });
    await writeFile(join(base, name), content);
  }
}

const VALID = 'apiVersion: netbox-gitops.io/v1alpha1\nkind: VendorSet\nmetadata:\n  name: ok\nspec:\n  vendors: [Arista]\n';
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('symbolic links', () => {
  it('refuses a link out of the folder as an error naming the link, and never reads or echoes its target', async () => {
    // Like /proc/self/environ: NUL-separated secrets that happen to parse as one YAML string.
    await write(outside, {
      environ: 'GIT_TOKEN=ghp_s3cr3tvalue\u0000DATABASE_PASSWORD=hunter2\u0000',
      'intent.yaml': VALID.replace('name: ok', 'name: sneaky'),
    });
    await symlink(join(outside, 'environ'), join(dir, 'env.yaml'));
    await symlink(join(outside, 'intent.yaml'), join(dir, 'sneaky.yaml'));
    await symlink(outside, join(dir, 'elsewhere'));
    await write(dir, { 'ok.yaml': VALID });

    const result = await loadIntents(dir);
    const messages = result.issues.map(formatIssue);
    expect(result.intents.map((i) => i.intent.metadata.name)).toEqual(['ok']);
    expect(messages).toEqual([
      'elsewhere: symbolic link to a path outside the intent folder or repository; refused (links must stay inside it)',
      'env.yaml: symbolic link to a path outside the intent folder or repository; refused (links must stay inside it)',
      'sneaky.yaml: symbolic link to a path outside the intent folder or repository; refused (links must stay inside it)',
    ]);
    expect(result.issues.every((i) => i.severity === 'error')).toBe(true);
    expect(messages.join('\n')).not.toMatch(/s3cr3t|hunter2|outside\//);
  });

  it('follows links to files inside the folder, and inside the repository root when one is given', async () => {
    await write(dir, { 'real/a.yaml': VALID });
    await symlink(join(dir, 'real/a.yaml'), join(dir, 'link.yaml'));
    await write(root, { 'shared/b.yaml': VALID.replace('name: ok', 'name: shared') });
    await symlink(join(root, 'shared/b.yaml'), join(dir, 'shared.yaml'));

    const inFolder = await loadIntents(dir);
    expect(inFolder.intents.map((i) => `${i.file} ${i.intent.metadata.name}`)).toEqual(['link.yaml ok']);
    expect(inFolder.issues.map(formatIssue)).toEqual([
      'shared.yaml: symbolic link to a path outside the intent folder or repository; refused (links must stay inside it)',
      // The link to a.yaml repeats its name: the loader read the target, the duplicate rule applies.
      expect.stringMatching(/^real\/a\.yaml:4:9 metadata\.name: duplicate VendorSet name "ok", already defined at link\.yaml:4:9/),
    ]);
    const inRepository = await loadIntents(dir, { root });
    expect(inRepository.intents.map((i) => i.intent.metadata.name)).toEqual(['ok', 'shared']);
  });

  it('warns about link loops, broken links, links to folders and FIFOs instead of skipping them silently', async () => {
    await symlink(join(dir, 'loop-b.yaml'), join(dir, 'loop-a.yaml'));
    await symlink(join(dir, 'loop-a.yaml'), join(dir, 'loop-b.yaml'));
    await symlink(join(dir, 'missing.yaml'), join(dir, 'broken.yaml'));
    await mkdir(join(dir, 'sub'));
    await symlink(join(dir, 'sub'), join(dir, 'sub-link'));
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    await write(dir, { 'ok.yaml': VALID });

    const result = await loadIntents(dir);
    expect(result.intents).toHaveLength(1);
    expect(result.issues.map((i) => `${i.severity} ${formatIssue(i)}`)).toEqual([
      'warning broken.yaml: broken symbolic link (its target does not exist); skipped',
      'warning loop-a.yaml: symbolic link loop (the link resolves to itself); skipped',
      'warning loop-b.yaml: symbolic link loop (the link resolves to itself); skipped',
      'warning pipe.yaml: is a FIFO, not an intent file; skipped',
      'warning sub-link: symbolic link to a folder; not followed (intents in it are not loaded)',
    ]);
  });

  it('the folder source hashes a folder holding a FIFO without opening it', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    await write(dir, { 'ok.yaml': VALID });
    const first = await hashIntentFolder(dir);
    await write(dir, { 'ok.yaml': VALID.replace('Arista', 'Cisco') });
    expect(await hashIntentFolder(dir)).not.toBe(first);
  });
});

describe('bad file content', () => {
  it('caps the problems of a binary file and prints no raw bytes or terminal escapes', async () => {
    // Deterministic noise (a fixed LCG): random bytes would make the number of YAML errors vary.
    let seed = 42;
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff));
    const noise = Buffer.concat(Array.from({ length: 200 }, (_, i) => Buffer.concat([bytes(40), Buffer.from(`\n\u001b]0;pwned\u0007 key${i}: [\n`)])));
    await write(dir, { 'binary.yaml': noise });
    const result = await loadIntents(dir);
    expect(result.issues).toHaveLength(MAX_ISSUES_PER_FILE + 1);
    const last = result.issues.at(-1);
    expect(last?.message).toMatch(/^\d+ more problems in this file not shown \(\d+ errors\); fix the ones above first/);
    for (const issue of result.issues) {
      expect(formatIssue(issue)).not.toMatch(UNPRINTABLE);
      expect(issue.message).not.toMatch(UNPRINTABLE);
      expect(issue.message.length).toBeLessThan(600);
    }
  });

  it('shows only a short, escaped excerpt of a document that is one long string', () => {
    const text = `"${'A'.repeat(30)}\\u001b[2J${'B'.repeat(5000)}"\n`;
    const { issues } = parseIntentText(text, 'long.yaml');
    expect(issues).toHaveLength(1);
    const message = formatIssue(issues[0]!);
    expect(message).toMatch(/got a string of 5034 characters starting "A{24}…"$/);
    expect(message).not.toContain('B');
  });

  it('escapes terminal escapes and bidirectional controls in unknown field names and values', () => {
    const text = `${VALID}  ev\u001b[31mil: 1\n`;
    const { issues } = parseIntentText(text, 'esc.yaml');
    const line = issues.map(formatIssue).join('\n');
    expect(line).not.toMatch(UNPRINTABLE);
    expect(line).toContain('\\u001b');
  });
});

describe('names with control or bidirectional characters', () => {
  const vendorSet = (custom: Record<string, unknown>): Record<string, unknown> => ({
    apiVersion: 'netbox-gitops.io/v1alpha1',
    kind: 'VendorSet',
    metadata: { name: 'names' },
    spec: { custom: [custom] },
  });

  it('are refused with the field path and the character', () => {
    const rtl = validateIntentObject(vendorSet({ name: 'Acme\u202Egnp.exe', slug: 'acme' }));
    expect(rtl.intent).toBeUndefined();
    expect(rtl.issues).toEqual([
      {
        path: 'spec.custom[0].name',
        message: expect.stringMatching(/^contains a control or bidirectional-control character \(U\+202E at character 5\)/),
        severity: 'error',
      },
    ]);
    const esc = validateIntentObject(vendorSet({ name: 'Acme \u001b[2J', slug: 'acme', description: 'ok\ttabs\nand lines are fine' }));
    expect(esc.issues.map((i) => i.path)).toEqual(['spec.custom[0].name']);
    const model = validateIntentObject({
      apiVersion: 'netbox-gitops.io/v1alpha1',
      kind: 'DeviceTypeSet',
      metadata: { name: 'm' },
      spec: { custom: [{ manufacturer: 'Acme', model: 'X\u2066Y', slug: 'acme-x' }] },
    });
    expect(model.issues.map((i) => i.path)).toEqual(['spec.custom[0].model']);
  });

  it('plain names pass', () => {
    expect(validateIntentObject(vendorSet({ name: 'Acme Networks — Zürich', slug: 'acme' })).issues).toEqual([]);
  });
});
