import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHOICE_SETS } from '../../emulator/choices.generated.ts';
import { extractChoices } from '../../emulator/tools/choice-sources.ts';

const SCHEMA = new URL('../../../shared/netbox/netbox-4.5.10-dcim-openapi.json', import.meta.url);

describe('emulator choice sets', () => {
  it("are exactly the values and labels of NetBox 4.5.10's schema (regenerate with emulator/tools/generate-choices.ts)", () => {
    const fromSchema = extractChoices(JSON.parse(readFileSync(SCHEMA, 'utf8')));
    const generated = Object.fromEntries(Object.entries(CHOICE_SETS).map(([set, pairs]) => [set, pairs.map(([v, l]) => [v, l])]));
    expect(generated).toEqual(fromSchema);
    expect(fromSchema['interface-type']?.length).toBeGreaterThan(200);
  });
});
