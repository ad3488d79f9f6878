import { describe, expect, it } from 'vitest';
import { Secret } from '../../../controller/config/index.ts';
import {
  authorizationHeader,
  isOutcomeUnknownStatus,
  isTransientStatus,
  parseRetryAfter,
  parseVersion,
  serverFilterName,
  summarizeBody,
} from '../../../controller/netbox/index.ts';
import { splitFilters, verifyFiltered } from '../../../controller/netbox/filters.ts';
import { findLostMappings, toCanonicalFrontPort, toServerFrontPortWrite } from '../../../controller/netbox/front-ports.ts';
import { FilterIgnoredError, NetBoxVersionError } from '../../../controller/netbox/index.ts';
import type { NetBoxVersion } from '../../../controller/netbox/index.ts';

const v = (text: string): NetBoxVersion => {
  const parsed = parseVersion(text);
  if (!parsed) throw new Error(`bad version ${text}`);
  return parsed;
};

describe('version handling', () => {
  it('parses the version strings NetBox reports', () => {
    expect(parseVersion('4.5.10')).toMatchObject({ major: 4, minor: 5, patch: 10 });
    expect(parseVersion('v4.1.3-Docker-3.0.2')).toMatchObject({ major: 4, minor: 1, patch: 3 });
    expect(parseVersion('4.0-beta2')).toMatchObject({ major: 4, minor: 0, patch: 0 });
    expect(parseVersion('unknown')).toBeUndefined();
  });

  it('sends the pre-4.1 template filter names to older servers only', () => {
    expect(serverFilterName('interface-templates', 'device_type_id', v('3.7.8'))).toBe('devicetype_id');
    expect(serverFilterName('interface-templates', 'module_type_id', v('4.0.11'))).toBe('moduletype_id');
    expect(serverFilterName('interface-templates', 'device_type_id', v('4.1.0'))).toBe('device_type_id');
    expect(serverFilterName('interface-templates', 'device_type_id', v('4.5.10'))).toBe('device_type_id');
    // Device types have no such filter; nothing is renamed outside the template endpoints.
    expect(serverFilterName('device-types', 'device_type_id', v('3.7.8'))).toBe('device_type_id');
  });
});

describe('auth header', () => {
  it('uses Token for v1 keys and Bearer for v2 nbt_ tokens', () => {
    expect(authorizationHeader(new Secret('0123456789abcdef0123456789abcdef01234567'))).toBe('Token 0123456789abcdef0123456789abcdef01234567');
    expect(authorizationHeader(new Secret('nbt_abc123.s3cr3t'))).toBe('Bearer nbt_abc123.s3cr3t');
    expect(authorizationHeader(new Secret(''))).toBeUndefined();
  });
});

describe('retry classification', () => {
  it('retries 429 and gateway errors, 500 only for reads, never 4xx', () => {
    for (const s of [429, 502, 503, 504]) expect(isTransientStatus(s, 'GET')).toBe(true);
    // A write answered by a gateway may have landed: it is read back, never resent blindly.
    expect(isTransientStatus(429, 'POST')).toBe(true);
    for (const s of [502, 503, 504]) expect(isTransientStatus(s, 'POST')).toBe(false);
    for (const s of [500, 502, 503, 504]) expect(isOutcomeUnknownStatus(s, 'PATCH')).toBe(true);
    expect(isOutcomeUnknownStatus(502, 'GET')).toBe(false);
    expect(isOutcomeUnknownStatus(400, 'POST')).toBe(false);
    expect(isTransientStatus(500, 'GET')).toBe(true);
    expect(isTransientStatus(500, 'POST')).toBe(false);
    for (const s of [400, 401, 403, 404, 409]) expect(isTransientStatus(s, 'GET')).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  });
});

describe('error bodies', () => {
  it('flattens field messages, __all__ and list-aligned bodies', () => {
    expect(summarizeBody({ slug: ['manufacturer with this slug already exists.'] })).toBe('slug: manufacturer with this slug already exists.');
    expect(summarizeBody({ __all__: ['Device type with this Manufacturer and Model already exists.'] })).toBe(
      'Device type with this Manufacturer and Model already exists.',
    );
    expect(summarizeBody([{}, { slug: ['This field is required.'] }], 500)).toBe('item 501: slug: This field is required.');
    expect(summarizeBody({ detail: 'Invalid v1 token' })).toBe('Invalid v1 token');
  });
});

/** The request line a filter set makes: the list path, its '?', the query and the room kept for paging. */
function urlLength(endpoint: string, filters: Readonly<Record<string, unknown>>, reserve: number): number {
  const query = new URLSearchParams(
    Object.entries(filters).flatMap(([k, val]): [string, string][] =>
      Array.isArray(val) ? val.map((x): [string, string] => [k, String(x)]) : [[k, String(val)]],
    ),
  ).toString();
  return `/api/dcim/${endpoint}/?`.length + query.length + reserve;
}

describe('filter splitting and checking', () => {
  it('splits a long id list so that every URL stays under the limit, keeping every id once', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => 100000 + i);
    const parts = splitFilters('interface-templates', { device_type_id: ids, name: 'eth0' }, 48, 4000);
    expect(parts.length).toBeGreaterThan(1);
    const seen: (string | number)[] = [];
    for (const part of parts) {
      expect(urlLength('interface-templates', part, 48)).toBeLessThanOrEqual(4000);
      expect(part.name).toBe('eth0');
      seen.push(...(part.device_type_id as (string | number)[]));
    }
    expect(seen).toEqual(ids);
  });

  it('splits two long lists at once (a read-back of templates under hundreds of types), sending each value once and every pair once', () => {
    const ids = Array.from({ length: 500 }, (_, i) => 100000 + i);
    // Two power ports per type, named alike across types: 1,000 names, 20 of them distinct.
    const names = ids.flatMap((_, i) => [`PSU${(i % 10) + 1}`, `PS-${String.fromCharCode(65 + (i % 10))}`]);
    const parts = splitFilters('power-port-templates', { device_type_id: ids, name: names }, 48, 4000);
    const pairs = new Map<string, number>();
    for (const part of parts) {
      const partIds = part.device_type_id as number[];
      const partNames = part.name as string[];
      expect(urlLength('power-port-templates', part, 48)).toBeLessThanOrEqual(4000);
      expect(new Set(partNames).size).toBe(partNames.length);
      for (const id of partIds) for (const n of partNames) pairs.set(`${id} ${n}`, (pairs.get(`${id} ${n}`) ?? 0) + 1);
    }
    expect(pairs.size).toBe(ids.length * new Set(names).size);
    expect([...pairs.values()].every((count) => count === 1)).toBe(true);
    // The ids alone (22 characters each) need three URLs of ~4 KB; the 20 names fit beside them.
    expect(parts).toHaveLength(3);
  });

  it('splits a list that would leave the longest one little room, instead of cutting the longest into many small slices', () => {
    // ~3,500 characters of ids beside ~5,000 of names: sliced beside the ids alone, the names
    // would get ~400 characters a URL (14 URLs); with the ids split in two, 6 URLs hold it all.
    const ids = Array.from({ length: 160 }, (_, i) => 100000 + i);
    const names = Array.from({ length: 200 }, (_, i) => `Port-${String(i).padStart(15, '0')}`);
    const parts = splitFilters('interface-templates', { device_type_id: ids, name: names }, 48, 4000);
    const covered = new Set<string>();
    for (const part of parts) for (const id of part.device_type_id as number[]) for (const n of part.name as string[]) covered.add(`${id} ${n}`);
    expect(covered.size).toBe(ids.length * names.length);
    expect(parts.length).toBeLessThanOrEqual(6);
  });

  it('splits long id and name lists that are both too long for one URL into their cross product', () => {
    const ids = Array.from({ length: 600 }, (_, i) => 200000 + i);
    const names = Array.from({ length: 600 }, (_, i) => `GigabitEthernet1/0/${i + 1}`);
    const parts = splitFilters('interface-templates', { device_type_id: ids, name: names }, 48, 4000);
    const covered = new Set<string>();
    for (const part of parts) {
      expect(urlLength('interface-templates', part, 48)).toBeLessThanOrEqual(4000);
      for (const id of part.device_type_id as number[]) for (const n of part.name as string[]) covered.add(`${id} ${n}`);
    }
    expect(covered.size).toBe(ids.length * names.length);
    // About the fewest URLs that hold every pair (~60); one value per URL would be 600 or more.
    expect(parts.length).toBeLessThan(100);
  });

  it('throws FilterIgnoredError naming the filter and the version when an object does not match', () => {
    const objects = [
      { id: 1, device_type: { id: 4 } },
      { id: 2, device_type: { id: 9 } },
    ];
    expect(() => verifyFiltered('interface-templates', { device_type_id: 4 }, objects, v('3.7.8'))).toThrow(FilterIgnoredError);
    try {
      verifyFiltered('interface-templates', { device_type_id: 4 }, objects, v('3.7.8'));
    } catch (error) {
      const e = error as FilterIgnoredError;
      expect(e.sentAs).toBe('devicetype_id');
      expect(e.serverVersion).toBe('3.7.8');
      expect(e.objectId).toBe(2);
      expect(e.message).toContain('devicetype_id=4');
    }
    expect(() => verifyFiltered('interface-templates', { device_type_id: [4, 9] }, objects, v('4.5.10'))).not.toThrow();
  });

  it('requires every requested tag (NetBox ANDs tag filters)', () => {
    const objs = [{ id: 1, tags: [{ slug: 'a' }, { slug: 'b' }] }];
    expect(() => verifyFiltered('device-types', { tag: ['a', 'b'] }, objs, v('4.5.0'))).not.toThrow();
    expect(() => verifyFiltered('device-types', { tag: ['a', 'c'] }, objs, v('4.5.0'))).toThrow(FilterIgnoredError);
  });
});

describe('front-port shapes', () => {
  const canonical = { name: 'Front1', type: '8p8c', positions: 1, rear_ports: [{ position: 1, rear_port: 2, rear_port_position: 3 }] };

  it('writes one mapping as rear_port/rear_port_position before 4.5 and the list from 4.5', () => {
    expect(toServerFrontPortWrite(canonical, v('4.1.11'))).toEqual({ name: 'Front1', type: '8p8c', rear_port: 2, rear_port_position: 3 });
    expect(toServerFrontPortWrite(canonical, v('4.5.10'))).toBe(canonical);
  });

  it('refuses what an old server cannot store instead of half-writing it', () => {
    const two = { ...canonical, positions: 2, rear_ports: [canonical.rear_ports[0], { position: 2, rear_port: 2, rear_port_position: 4 }] };
    expect(() => toServerFrontPortWrite(two, v('4.1.11'))).toThrow(NetBoxVersionError);
  });

  it('reads the old shape back as the canonical one', () => {
    const old = { id: 7, name: 'Front1', rear_port: { id: 2, name: 'Rear1' }, rear_port_position: 3 };
    expect(toCanonicalFrontPort(old)).toEqual({ id: 7, name: 'Front1', positions: 1, rear_ports: [{ position: 1, rear_port: 2, rear_port_position: 3 }] });
  });

  it('finds mappings the server dropped', () => {
    const lost = findLostMappings([canonical], [{ id: 7, name: 'Front1', positions: 1, rear_ports: [] }]);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ index: 0, id: 7, actual: [] });
    expect(findLostMappings([canonical], [{ id: 7, ...canonical }])).toHaveLength(0);
  });
});
