import type { Emulator, Json } from '../../emulator/index.ts';

export interface Reply<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** A JSON request to the emulator with its write token (or `auth`; null sends none). */
export async function call<T = unknown>(emu: Emulator, method: string, path: string, body?: unknown, auth?: string | null): Promise<Reply<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const authorization = auth === undefined ? `Token ${emu.token}` : auth;
  if (authorization !== null) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(emu.url + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Seeds one manufacturer and one device type; returns their ids. */
export function seedType(emu: Emulator, model = 'T1', extra: Record<string, Json> = {}): { manufacturer: number; deviceType: number } {
  const [manufacturer] = emu.store.seed('manufacturers', [{ name: `Maker of ${model}`, slug: `maker-${model.toLowerCase()}` }]);
  const [deviceType] = emu.store.seed('device-types', [{ manufacturer: Number(manufacturer?.id), model, slug: model.toLowerCase(), ...extra }]);
  return { manufacturer: Number(manufacturer?.id), deviceType: Number(deviceType?.id) };
}
