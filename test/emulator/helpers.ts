import type { Emulator, Json } from '../../emulator/index.ts';
import { requestJson } from '../helpers/http.ts';
import type { Reply } from '../helpers/http.ts';

export type { Reply } from '../helpers/http.ts';

/** A JSON request to the emulator with its write token (or `auth`; null sends none). */
export function call<T = unknown>(emu: Emulator, method: string, path: string, body?: unknown, auth?: string | null): Promise<Reply<T>> {
  return requestJson<T>(emu.url, method, path, body, auth === undefined ? `Token ${emu.token}` : auth);
}

/** Seeds one manufacturer and one device type; returns their ids. */
export function seedType(emu: Emulator, model = 'T1', extra: Record<string, Json> = {}): { manufacturer: number; deviceType: number } {
  const [manufacturer] = emu.store.seed('manufacturers', [{ name: `Maker of ${model}`, slug: `maker-${model.toLowerCase()}` }]);
  const [deviceType] = emu.store.seed('device-types', [{ manufacturer: Number(manufacturer?.id), model, slug: model.toLowerCase(), ...extra }]);
  return { manufacturer: Number(manufacturer?.id), deviceType: Number(deviceType?.id) };
}
