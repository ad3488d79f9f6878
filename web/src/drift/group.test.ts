import { describe, expect, it } from 'vitest';
import type { DriftRow } from '../api/types.ts';
import { buildList, facets, indexRows, NO_FILTER, typeOf, vendorOf } from './group.ts';

function row(objectKind: string, identity: string, action: string, diff: DriftRow['diff'] = {}, reason: string | null = null): DriftRow {
  return { objectKind, identity, action, diff, reason, firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:00:00Z' };
}

const ROWS = [
  row('interface-template', 'arista/DCS-7050SX3-48YC8/Ethernet1', 'update', { type: { before: '10gbase-x-sfpp', after: '25gbase-x-sfp28' } }),
  row('device-type', 'arista/DCS-7050SX3-48YC8', 'update', { part_number: { before: 'EDITED-BY-HAND', after: 'DCS-7050SX3-48YC8' } }),
  row('manufacturer', 'juniper', 'unmanaged', {}, 'exists in NetBox without the netbox-gitops tag; set adopt: true to manage it'),
  row('device-type', 'arista/DCS-7280SR-48C6', 'create', { model: { before: null, after: 'DCS-7280SR-48C6' } }),
  row('console-port-template', 'arista/DCS-7280SR-48C6/Console', 'create'),
  row('manufacturer', 'arista', 'create'),
  row('device-type', 'cisco/C9300-48P', 'blocked', {}, 'device type has 3 devices'),
];

describe('grouping drift by vendor and device type', () => {
  it('finds the vendor and type of each kind of object', () => {
    expect(vendorOf({ objectKind: 'manufacturer', identity: 'juniper' })).toBe('juniper');
    expect(vendorOf({ objectKind: 'interface-template', identity: 'arista/DCS-7050/Ethernet1' })).toBe('arista');
    expect(typeOf({ objectKind: 'interface-template', identity: 'arista/DCS-7050/Ethernet1' })).toBe('arista/DCS-7050');
    expect(typeOf({ objectKind: 'device-type', identity: 'arista/DCS-7050' })).toBe('arista/DCS-7050');
    expect(typeOf({ objectKind: 'image', identity: 'arista/DCS-7050/front' })).toBe('arista/DCS-7050');
    expect(typeOf({ objectKind: 'manufacturer', identity: 'arista' })).toBeNull();
  });

  it('lists vendors by name, the vendor object first, then each type with its own row before its templates', () => {
    const { items, matched } = buildList(indexRows(ROWS), NO_FILTER, new Set());
    expect(matched).toBe(ROWS.length);
    expect(
      items.map((i) => (i.type === 'op' ? `${i.row.objectKind}:${i.row.identity}` : `${i.type}:${i.type === 'vendor' ? i.vendor : i.label}:${i.count}`)),
    ).toEqual([
      'vendor:arista:5',
      'manufacturer:arista',
      'type:DCS-7050SX3-48YC8:2',
      'device-type:arista/DCS-7050SX3-48YC8',
      'interface-template:arista/DCS-7050SX3-48YC8/Ethernet1',
      'type:DCS-7280SR-48C6:2',
      'device-type:arista/DCS-7280SR-48C6',
      'console-port-template:arista/DCS-7280SR-48C6/Console',
      'vendor:cisco:1',
      'type:C9300-48P:1',
      'device-type:cisco/C9300-48P',
      'vendor:juniper:1',
      'manufacturer:juniper',
    ]);
  });

  it('filters by search text (identity, field name, reason), vendor, action and object kind', () => {
    const rows = indexRows(ROWS);
    const ids = (filter: Partial<typeof NO_FILTER>): string[] =>
      buildList(rows, { ...NO_FILTER, ...filter }, new Set()).items.flatMap((i) => (i.type === 'op' ? [i.row.identity] : []));
    expect(ids({ search: 'PART_NUMBER' })).toEqual(['arista/DCS-7050SX3-48YC8']);
    expect(ids({ search: 'adopt' })).toEqual(['juniper']);
    expect(ids({ vendor: 'cisco' })).toEqual(['cisco/C9300-48P']);
    expect(ids({ actions: new Set(['create']), objectKind: 'device-type' })).toEqual(['arista/DCS-7280SR-48C6']);
    expect(ids({ actions: new Set(['blocked', 'unmanaged']) })).toEqual(['cisco/C9300-48P', 'juniper']);
    expect(ids({ search: 'nothing like this' })).toEqual([]);
  });

  it('keeps only the header of a collapsed group, with its count', () => {
    const rows = indexRows(ROWS);
    const { items } = buildList(rows, NO_FILTER, new Set(['v:arista', 't:cisco/C9300-48P']));
    expect(items.map((i) => i.key)).toEqual(['v:arista', 'v:cisco', 't:cisco/C9300-48P', 'v:juniper', 'o:manufacturer:juniper']);
    expect(items[0]).toMatchObject({ type: 'vendor', count: 5, collapsed: true });
  });

  it('offers the vendors, actions and kinds present', () => {
    const options = facets(indexRows(ROWS));
    expect(options.vendors).toEqual(['arista', 'cisco', 'juniper']);
    expect(options.kinds).toEqual(['manufacturer', 'device-type', 'console-port-template', 'interface-template']);
    expect(new Set(options.actions)).toEqual(new Set(['update', 'unmanaged', 'create', 'blocked']));
  });

  it('groups 25,000 operations into one list item per operation plus headers', () => {
    const many: DriftRow[] = [];
    for (let t = 0; t < 1_000; t += 1) {
      for (let i = 0; i < 25; i += 1)
        many.push(row('interface-template', `vendor-${t % 10}/model-${t}/eth${i}`, i % 2 === 0 ? 'create' : 'update', { mtu: { before: 1500, after: 9000 } }));
    }
    const { items, matched } = buildList(indexRows(many), NO_FILTER, new Set());
    expect(matched).toBe(25_000);
    expect(items.filter((i) => i.type === 'op')).toHaveLength(25_000);
    expect(items.filter((i) => i.type === 'vendor')).toHaveLength(10);
    expect(items.filter((i) => i.type === 'type')).toHaveLength(1_000);
    expect(buildList(indexRows(many), { ...NO_FILTER, search: 'model-999/' }, new Set()).matched).toBe(25);
  });
});
