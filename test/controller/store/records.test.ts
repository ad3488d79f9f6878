// toJson turns a typed record into the JSON a jsonb column or a step output holds, without a
// cast: the compiler refuses what JSON cannot carry (checked by `npm run typecheck`).
import { describe, expect, it } from 'vitest';
import { toJson, toJsonObject } from '../../../controller/store/index.ts';

describe('toJson', () => {
  it('passes plain data through unchanged', () => {
    const summary = { counts: { create: 2 }, intents: ['VendorSet/a'], note: null, skipped: undefined };
    expect(toJson(summary)).toBe(summary);
    expect(toJsonObject(summary)).toEqual({ counts: { create: 2 }, intents: ['VendorSet/a'], note: null, skipped: undefined });
  });

  it('is refused by the compiler for what JSON cannot carry', () => {
    const refused = (): void => {
      // @ts-expect-error a Date is not JSON (it would become a string)
      toJson({ at: new Date(0) });
      // @ts-expect-error a function is not JSON
      toJson({ run: () => 1 });
      // @ts-expect-error a bigint is not JSON (JSON.stringify throws)
      toJson({ n: 1n });
    };
    expect(typeof refused).toBe('function');
  });
});
