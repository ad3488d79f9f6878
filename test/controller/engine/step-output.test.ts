// A step reads an earlier step's recorded output through a schema: after a resume it comes from
// Postgres, maybe written by another version of the worker, so it is checked like any input.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readStepOutput, StepOutputError } from '../../../controller/engine/index.ts';
import type { JsonObject } from '../../../controller/store/index.ts';

const Applied = z.looseObject({ applied: z.number().default(0) });
const ctxWith = (outputs: Record<string, JsonObject>): { outputs: ReadonlyMap<string, JsonObject> } => ({ outputs: new Map(Object.entries(outputs)) });

describe('readStepOutput', () => {
  it('returns the parsed output, with the schema’s defaults', () => {
    expect(readStepOutput(ctxWith({ apply: { applied: 3, chunks: 1 } }), 'apply', Applied)).toEqual({ applied: 3, chunks: 1 });
    expect(readStepOutput(ctxWith({ apply: { reason: 'observe mode' } }), 'apply', Applied).applied).toBe(0);
  });

  it('names the step and the field when a recorded output does not fit', () => {
    const read = (): unknown => readStepOutput(ctxWith({ apply: { applied: 'three' } }), 'apply', Applied);
    expect(read).toThrow(StepOutputError);
    expect(read).toThrow(/the apply step's recorded output does not match this version of the workflow: .*applied/s);
  });

  it('says a missing output is missing, unless it may be', () => {
    expect(() => readStepOutput(ctxWith({}), 'apply', Applied)).toThrow(/the apply step's recorded output is missing/);
    expect(readStepOutput(ctxWith({}), 'apply', Applied, { optional: true })).toBeUndefined();
  });
});
