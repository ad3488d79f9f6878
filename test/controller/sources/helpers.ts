import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../../controller/config/index.ts';
import type { AppConfig } from '../../../controller/config/index.ts';
import { createLogger } from '../../../controller/logging/index.ts';
import type { Logger } from '../../../controller/logging/index.ts';
import type { IntentRef, ReconcileRequester, ReconcileRequestOptions } from '../../../controller/sources/index.ts';
import { waitUntil } from '../../helpers/wait.ts';

/** The Redis the tests use (REDIS_* from the environment, or 127.0.0.1:6379). */
export function redisConfig(): AppConfig['redis'] {
  return loadConfig(process.env).redis;
}

/** A name no other test (or run) uses, for queues, lock keys and channels. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A logger that keeps its lines in memory, so tests can look for secrets in them. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done): void {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

export interface RecordedRequest {
  readonly ref: IntentRef;
  readonly options: ReconcileRequestOptions | undefined;
}

/**
 * Records the reconcile requests the controller makes and passes each on to `delegate` (the
 * real workflow service) when given; without one it only records, for tests about which
 * intents are asked for rather than what the engine does with them.
 */
export function recordingRequester(
  delegate?: ReconcileRequester,
): ReconcileRequester & { readonly requests: RecordedRequest[]; keys(): string[]; clear(): void } {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    async requestReconcile(ref: IntentRef, options?: ReconcileRequestOptions): Promise<unknown> {
      requests.push({ ref, options });
      return delegate ? delegate.requestReconcile(ref, options) : { id: `${ref.kind}/${ref.name}` };
    },
    keys: () => requests.map((request) => `${request.ref.kind}/${request.ref.name}`),
    clear: () => {
      requests.length = 0;
    },
  };
}

/** A temp folder removed by `remove()`. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeFile(root: string, relative: string, text: string): void {
  const target = path.join(root, relative);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
}

/** A VendorSet intent with custom manufacturers only (no library lookups needed). */
export function vendorSetYaml(name: string, spec: Record<string, string | boolean> = {}, slug = name): string {
  const policy = Object.entries(spec)
    .map(([key, value]) => `  ${key}: ${typeof value === 'string' && /^[0-9*]/.test(value) ? JSON.stringify(value) : String(value)}\n`)
    .join('');
  return (
    `apiVersion: netbox-gitops.io/v1alpha1\nkind: VendorSet\nmetadata:\n  name: ${name}\nspec:\n${policy}` +
    `  custom:\n    - name: ${slug} Inc\n      slug: ${slug}\n`
  );
}

/** Runs git with a fixed identity and `main` as the default branch. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

/**
 * The old argument order of {@link waitUntil} (test/helpers/wait.ts), kept only for
 * test/cli/commands/controller.test.ts while the Kubernetes work edits it; use waitUntil.
 */
export function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  return waitUntil(what, check, timeoutMs, 50);
}
