// The NetBox the contract suite talks to: a fresh in-process emulator unless NETBOX_URL and
// NETBOX_TOKEN point at a real one. Only plain fetch is used here, never our own client.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { isApiVersion, startEmulator } from '../../emulator/index.ts';
import { requestJson, sendForm } from '../helpers/http.ts';
import type { Reply } from '../helpers/http.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    netboxUrl: string;
    netboxToken: string;
    netboxReadOnlyToken: string;
    emulatorVersion: string;
  }
}

export type { Reply } from '../helpers/http.ts';

/** A NetBox (or the emulator) with the token to use and the version it reports. */
export interface Target {
  readonly url: string;
  readonly token: string;
  readonly readOnlyToken: string | null;
  /** Major.minor from /api/status/, e.g. "4.5". */
  readonly version: string;
  readonly isEmulator: boolean;
  /** Prefix for every name and slug this test file creates. */
  readonly runId: string;
  /** JSON request with the write token (or `auth` as given; null sends none). */
  call<T = unknown>(method: string, path: string, body?: unknown, auth?: string | null): Promise<Reply<T>>;
  /** Sends an already built body (multipart forms). */
  send<T = unknown>(method: string, path: string, body: FormData): Promise<Reply<T>>;
  /** `Authorization` header value for a token, in the scheme it needs. */
  authFor(token: string): string;
  close(): Promise<void>;
}

export async function connectTarget(): Promise<Target> {
  const givenUrl = inject('netboxUrl');
  const givenToken = inject('netboxToken');
  const emulatorReadOnly = randomBytes(20).toString('hex');
  const emulatorVersion = inject('emulatorVersion');
  if (!isApiVersion(emulatorVersion)) throw new Error(`NETBOX_EMULATOR_VERSION=${emulatorVersion} is not emulated; use 4.5, 4.1, 4.0 or 3.7`);
  const emulator = givenUrl ? null : await startEmulator({ readOnlyToken: emulatorReadOnly, version: emulatorVersion });
  const url = (givenUrl || emulator?.url || '').replace(/\/+$/, '');
  const token = givenUrl ? givenToken : (emulator?.token ?? '');
  const readOnlyToken = givenUrl ? inject('netboxReadOnlyToken') || null : emulatorReadOnly;
  const authFor = (t: string): string => (/^nbt_[^.\s]+\.\S+$/.test(t) ? `Bearer ${t}` : `Token ${t}`);
  const call = <T>(method: string, path: string, body?: unknown, auth?: string | null): Promise<Reply<T>> =>
    requestJson<T>(url, method, path, body, auth === undefined ? authFor(token) : auth);
  const send = <T>(method: string, path: string, body: FormData): Promise<Reply<T>> => sendForm<T>(url, method, path, body, authFor(token));
  const status = await call<{ 'netbox-version': string }>('GET', '/api/status/');
  if (status.status !== 200) throw new Error(`GET ${url}/api/status/ answered ${status.status}; check NETBOX_URL and NETBOX_TOKEN`);
  const version = status.body['netbox-version'].split('.').slice(0, 2).join('.');
  return {
    url,
    token,
    readOnlyToken,
    version,
    isEmulator: emulator !== null,
    runId: `ct-${randomBytes(4).toString('hex')}`,
    call,
    send,
    authFor,
    close: async () => {
      await emulator?.close();
    },
  };
}

/** True when the target's NetBox version is at least `major.minor`. */
export function atLeast(target: Target, version: string): boolean {
  const [a = 0, b = 0] = target.version.split('.').map(Number);
  const [c = 0, d = 0] = version.split('.').map(Number);
  return a > c || (a === c && b >= d);
}
