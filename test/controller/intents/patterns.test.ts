// User-supplied regular expressions run on a linear-time engine (RE2): a pattern that makes a
// backtracking engine take exponential time cannot stall validate or a worker.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DeviceTypeImportForm,
  MAX_PATTERN_LENGTH,
  compileIntentPattern,
  describePatternProblem,
  validateIntentObject,
} from '../../../controller/intents/index.ts';
import { LIBRARY_PATH } from '../../helpers/library.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const HOSTILE = '^([\\w-]+)+!$';
/** Children are killed after this long; a backtracking engine needs far longer (2^n steps). */
const CHILD_TIMEOUT_MS = 120_000;

function intentWith(include: unknown[]): Record<string, unknown> {
  return { apiVersion: 'netbox-gitops.io/v1alpha1', kind: 'DeviceTypeSet', metadata: { name: 'p' }, spec: { vendors: ['Arista'], include } };
}

describe('intent patterns', () => {
  it('match like an unanchored, case-sensitive RegExp for ordinary patterns', () => {
    const p = compileIntentPattern('^DCS-7050(SX|TX)3?-');
    expect(p.test('DCS-7050SX3-48YC8')).toBe(true);
    expect(p.test('dcs-7050sx3-48yc8')).toBe(false);
    expect(p.test('X DCS-7050TX-64')).toBe(false);
    expect(compileIntentPattern('-R$').test('DCS-7280R-R')).toBe(true);
    expect(compileIntentPattern('\\d{2}[A-Z]').test('48Y')).toBe(true);
    // The same object can be used repeatedly: no lastIndex state as with a /g RegExp.
    expect([1, 2, 3].map(() => p.test('DCS-7050TX-64'))).toEqual([true, true, true]);
  });

  it('refuse syntax RE2 cannot run in linear time, with a message that says so', () => {
    expect(describePatternProblem('^(?=.*48)DCS')).toMatch(
      /^invalid regular expression "\^\(\?=\.\*48\)DCS": .*lookahead, lookbehind and backreferences are not supported .*RE2/,
    );
    expect(describePatternProblem('(a)\\1')).toMatch(/backreferences are not supported/);
    expect(describePatternProblem('(?<!x)y')).toMatch(/lookahead, lookbehind/);
    expect(describePatternProblem('([')).toMatch(/^invalid regular expression "\(\[": missing closing \]/);
    expect(describePatternProblem('\\u00e9')).toMatch(/write \\x\{00e9\} instead of \\u00e9/);
    expect(describePatternProblem('a{1001}')).toMatch(/invalid repeat count/);
    expect(describePatternProblem(HOSTILE)).toBeUndefined();
  });

  it('cap the pattern length and escape control characters in messages', () => {
    const long = 'a'.repeat(MAX_PATTERN_LENGTH + 1);
    expect(describePatternProblem(long)).toMatch(new RegExp(`${MAX_PATTERN_LENGTH + 1} characters, over the limit of ${MAX_PATTERN_LENGTH}`));
    expect(describePatternProblem(long)!.length).toBeLessThan(300);
    expect(describePatternProblem('\u001b[31m(')).not.toContain('\u001b');
    const { issues } = validateIntentObject(intentWith([long]));
    expect(issues).toEqual([expect.objectContaining({ path: 'spec.include[0]', message: `must be at most ${MAX_PATTERN_LENGTH} characters` })]);
    const form = DeviceTypeImportForm.safeParse({ selected_vendor: 'Arista', device_type_filter: long });
    expect(form.success).toBe(false);
  });
});

/** Runs a command in a child process that is killed after CHILD_TIMEOUT_MS: a hang fails the test instead of blocking the run. */
function runChild(args: readonly string[]): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, env: { ...process.env, LOG_LEVEL: 'silent' } });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

describe('hostile patterns end to end (child processes, killed if they hang)', () => {
  it(`validate finishes with include: ["${HOSTILE}"] over the whole library`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbg-redos-'));
    try {
      writeFileSync(
        path.join(dir, 'redos.yaml'),
        `apiVersion: netbox-gitops.io/v1alpha1\nkind: DeviceTypeSet\nmetadata:\n  name: redos\nspec:\n  vendors: all\n  include: ['${HOSTILE}']\n`,
      );
      const run = runChild(['bin/netbox-gitops.js', 'validate', '--intents', dir, '--library', LIBRARY_PATH]);
      expect(run.signal, 'validate was killed: the pattern did not finish').toBeNull();
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('regular expression "^([\\w-]+)+!$" matches nothing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an import form with the pattern as device_type_filter compiles and matches in linear time', () => {
    const script = [
      "import { intentFromDeviceTypeImportForm, compileIntentPattern } from './controller/intents/index.ts';",
      `const intent = intentFromDeviceTypeImportForm({ selected_vendor: 'Arista', device_type_filter: ${JSON.stringify(HOSTILE)} });`,
      "const names = Array.from({ length: 200 }, (_, i) => 'DCS-7050SX3-48YC8-' + 'x'.repeat(20 + i));",
      'const matched = names.filter((n) => intent.spec.include.some((p) => compileIntentPattern(p).test(n))).length;',
      "process.stdout.write(String(matched) + ' ' + String(compileIntentPattern(intent.spec.include[0]).test('a'.repeat(200000))));",
    ].join('\n');
    const run = runChild(['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(run.signal, 'the form pattern did not finish').toBeNull();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('0 false');
  });
});
