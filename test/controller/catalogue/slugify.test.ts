import { describe, expect, it } from 'vitest';
import { slugify } from '../../../controller/catalogue/index.ts';

describe('slugify', () => {
  it.each([
    ['Cisco', 'cisco'],
    ['Nabu Casa', 'nabu-casa'],
    ['Extreme Networks', 'extreme-networks'],
    ['Rohde & Schwarz', 'rohde-schwarz'],
    ['Reichle & De-Massari', 'reichle-de-massari'],
    ['HUBER SUHNER', 'huber-suhner'],
    ['Juniper Networks, Inc.', 'juniper-networks-inc'],
    ['  spaced   out  ', 'spaced-out'],
    ['a - b -- c', 'a-b-c'],
    ['snake_case_name', 'snake_case_name'],
    ['-_edge_-', 'edge'],
    ['Bürkert Fluid Control', 'burkert-fluid-control'],
    ['Ångström', 'angstrom'],
    ['3Com', '3com'],
    ['T-bao', 't-bao'],
    ['ONLINE USV-Systeme', 'online-usv-systeme'],
    ['!!!', ''],
  ])('%s → %s', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('only ever yields what NetBox accepts as a slug', () => {
    for (const name of ['Ünïcødé Vendor', 'x/y\\z', 'tab\tseparated', 'a.b.c', 'emoji 🚀 inc']) {
      expect(slugify(name)).toMatch(/^[-a-z0-9_]*$/);
    }
  });
});
