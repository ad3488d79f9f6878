// Replays NetBox's recorded request/response pairs against an emulator: recorded ids become the
// emulator's ids (learned from the responses as they come), hosts and timestamps are masked.
import { readFileSync } from 'node:fs';

export interface Sample {
  readonly request: { readonly method: string; readonly path: string; readonly body: unknown };
  readonly status: number;
  readonly response: unknown;
}

export const SAMPLES_FILE = new URL('../../../shared/netbox/netbox-4.5.10-samples.json', import.meta.url);

export function loadSamples(): Array<[string, Sample]> {
  return Object.entries(JSON.parse(readFileSync(SAMPLES_FILE, 'utf8')) as Record<string, Sample>);
}

/** Which endpoint a reference field of a request body or a mapping points at. */
const REFERENCE_FIELDS: Readonly<Record<string, string>> = {
  manufacturer: 'manufacturers',
  device_type: 'device-types',
  module_type: 'module-types',
  power_port: 'power-port-templates',
  rear_port: 'rear-port-templates',
  front_port: 'front-port-templates',
  bridge: 'interface-templates',
  parent: 'inventory-item-templates',
};

const QUERY_REFERENCES: Readonly<Record<string, string>> = {
  device_type_id: 'device-types',
  devicetype_id: 'device-types',
  module_type_id: 'module-types',
  manufacturer_id: 'manufacturers',
};

const URL_ID = /\/api\/(?:dcim|extras)\/([a-z-]+)\/(\d+)\/$/;

/** Recorded id → emulator id, per endpoint. */
export class IdMap {
  private readonly map = new Map<string, number>();

  get(endpoint: string, recorded: number): number {
    return this.map.get(`${endpoint}:${recorded}`) ?? recorded;
  }

  /** Learns ids from a recorded response and the emulator's answer, walked side by side. */
  learn(recorded: unknown, actual: unknown): void {
    if (Array.isArray(recorded) && Array.isArray(actual)) {
      recorded.forEach((item, i) => this.learn(item, actual[i]));
      return;
    }
    if (!isObject(recorded) || !isObject(actual)) return;
    const match = typeof recorded.url === 'string' ? URL_ID.exec(recorded.url) : null;
    if (match && typeof recorded.id === 'number' && typeof actual.id === 'number') {
      const key = `${match[1]}:${recorded.id}`;
      const known = this.map.get(key);
      if (known !== undefined && known !== actual.id) throw new Error(`recorded ${key} maps to both ${known} and ${actual.id}`);
      this.map.set(key, actual.id);
    }
    for (const [field, value] of Object.entries(recorded)) this.learn(value, actual[field]);
  }

  /** The recorded request path with its ids translated. */
  path(path: string): string {
    const [base = '', query] = path.split('?');
    const translatedBase = base.replace(URL_ID, (whole, endpoint: string, id: string) => whole.replace(`/${id}/`, `/${this.get(endpoint, Number(id))}/`));
    if (query === undefined) return translatedBase;
    const params = query.split('&').map((pair) => {
      const [key = '', value = ''] = pair.split('=');
      const endpoint = QUERY_REFERENCES[key];
      return endpoint && /^\d+$/.test(value) ? `${key}=${this.get(endpoint, Number(value))}` : pair;
    });
    return `${translatedBase}?${params.join('&')}`;
  }

  /** A recorded request body with reference ids translated. */
  body(value: unknown, field?: string): unknown {
    if (Array.isArray(value)) return value.map((item) => this.body(item, field === 'tags' ? 'tags' : undefined));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.body(v, k)]));
    if (typeof value === 'number' && field) {
      const endpoint = field === 'tags' ? 'tags' : REFERENCE_FIELDS[field];
      if (endpoint) return this.get(endpoint, value);
    }
    return value;
  }

  /** A recorded response rewritten to what the emulator should answer. */
  expected(value: unknown, baseUrl: string, field?: string): unknown {
    if (Array.isArray(value)) return value.map((item) => this.expected(item, baseUrl));
    if (isObject(value)) {
      const endpoint = typeof value.url === 'string' ? URL_ID.exec(value.url)?.[1] : undefined;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          if (k === 'id' && endpoint && typeof v === 'number') return [k, this.get(endpoint, v)];
          return [k, this.expected(v, baseUrl, k)];
        }),
      );
    }
    if (typeof value === 'string') {
      return value
        .replace(/^http:\/\/127\.0\.0\.1:8001/, baseUrl)
        .replace(
          /\/(api\/)?(dcim|extras)\/([a-z-]+)\/(\d+)\/$/,
          (_w, api: string | undefined, app: string, endpoint: string, id: string) => `/${api ?? ''}${app}/${endpoint}/${this.get(endpoint, Number(id))}/`,
        )
        .replace(
          /([?&](?:device_type_id|devicetype_id|manufacturer_id)=)(\d+)/g,
          (_w, prefix: string, id: string) => `${prefix}${this.get(prefix.includes('manufacturer') ? 'manufacturers' : 'device-types', Number(id))}`,
        );
    }
    if (typeof value === 'number' && field && REFERENCE_FIELDS[field] && field !== 'parent') return this.get(REFERENCE_FIELDS[field] as string, value);
    return value;
  }
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Masks what may differ between NetBox and the emulator: timestamps, ids inside messages, host details of /api/status/. */
export function mask(value: unknown, field?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => mask(item));
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k === 'hostname' || k === 'installed_apps' || k === 'django-version' || k === 'python-version') return [k, '<masked>'];
        return [k, mask(v, k)];
      }),
    );
  }
  if (typeof value === 'string' && TIMESTAMP.test(value)) return '<timestamp>';
  if (typeof value === 'string' && field === 'detail') return value.replace(/\((\d+)\)/g, '(#)');
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
