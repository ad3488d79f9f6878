import { describe, expect, it } from 'vitest';
import { diffFields, normaliseValue, planTemplateReads, valuesEqual } from '../../../controller/reconcile/index.ts';
import type { NetBoxRecord } from '../../../controller/reconcile/index.ts';

describe('normaliseValue', () => {
  it.each([
    ['choice read back as {value, label}', 'airflow', { value: 'front-to-rear', label: 'Front to rear' }, 'front-to-rear'],
    ['decimal u_height as text', 'u_height', '1.0', 1],
    ['decimal u_height as number', 'u_height', 1.0, 1],
    ['decimal weight as text', 'weight', '4.35', 4.35],
    ['empty text', 'description', '', null],
    ['absent', 'description', undefined, null],
    ['null', 'airflow', null, null],
    ['text NetBox trims', 'comments', 'Datasheet link\n', 'Datasheet link'],
    ['whitespace only', 'label', '  ', null],
    ['nested manufacturer', 'manufacturer', { id: 3, name: 'Cisco', slug: 'cisco', url: 'x' }, 'cisco'],
    ['nested power port', 'power_port', { id: 9, name: 'PSU1', url: 'x' }, 'PSU1'],
    ['bare id reference', 'device_type', { id: 12 }, 12],
    ['slug case', 'slug', 'Cisco-C9300', 'cisco-c9300'],
    ['leading-zero part number stays text', 'part_number', '02351930', '02351930'],
  ])('%s', (_name, field, value, expected) => {
    expect(normaliseValue(field, value)).toEqual(expected);
  });
});

describe('diffFields', () => {
  it('compares only the fields the desired side sets, normalising both sides', () => {
    const desired = { u_height: 1, airflow: 'front-to-rear', part_number: 'X1', description: '' };
    const actual = {
      u_height: '1.0',
      airflow: { value: 'front-to-rear', label: 'Front to rear' },
      part_number: 'X1',
      description: null,
      comments: 'added by hand',
      weight: 3,
    };
    expect(diffFields(desired, actual)).toEqual({});
  });

  it('reports before → after for real differences', () => {
    expect(diffFields({ u_height: 2, part_number: 'X1' }, { u_height: 1, part_number: 'Y' })).toEqual({
      u_height: { before: 1, after: 2 },
      part_number: { before: 'Y', after: 'X1' },
    });
  });

  it('treats lists and objects by value', () => {
    expect(valuesEqual([{ a: 1, b: [2] }], [{ b: [2], a: 1 }])).toBe(true);
    expect(valuesEqual([1, 2], [2, 1])).toBe(false);
  });
});

describe('planTemplateReads', () => {
  const dt = (id: number, interfaces: number): NetBoxRecord => ({ id, interface_template_count: interfaces });

  it('reads the parents in scope, packed into one-page requests, when they are a small share', () => {
    const inScope = [dt(1, 600), dt(2, 600), dt(3, 0), dt(4, 100)];
    const plan = planTemplateReads('interface', inScope, [], 4000, 1000);
    expect(plan.unfiltered).toBe(false);
    expect(plan.deviceChunks).toEqual([[1], [2, 4]]);
  });

  it('pages through the whole endpoint when the scope is (nearly) everything', () => {
    // 1,000 parents with 2 templates each: 5 id-limited filtered requests against 2 pages.
    const all = Array.from({ length: 1000 }, (_, i) => dt(i + 1, 2));
    expect(planTemplateReads('interface', all, [], 1000, 1000).unfiltered).toBe(true);
    // The same parents as a tenth of NetBox: paging through everything would cost 20 pages.
    expect(planTemplateReads('interface', all, [], 10_000, 1000).unfiltered).toBe(false);
  });

  it('skips kinds no parent in scope has', () => {
    const plan = planTemplateReads('interface', [dt(1, 0)], [], 10, 1000);
    expect(plan).toMatchObject({ unfiltered: false, deviceChunks: [], moduleChunks: [] });
  });
});
