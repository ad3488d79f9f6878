// A resumed process reads the resolve step's recorded checkpoint through a schema, including
// checkpoints recorded before the step held a list of intents (one `document`).
import { describe, expect, it } from 'vitest';
import { readStepOutput, StepOutputError } from '../../../controller/engine/index.ts';
import type { JsonObject } from '../../../controller/store/index.ts';
import { ResolveCheckpoint } from '../../../controller/workflow/reconcile-workflows.ts';

const document = { apiVersion: 'netbox-gitops.io/v1alpha1', kind: 'VendorSet', metadata: { name: 'v' }, spec: { mode: 'enforce', custom: [] } };
const read = (resolve: JsonObject): unknown => readStepOutput({ outputs: new Map([['resolve', resolve]]) }, 'resolve', ResolveCheckpoint);

describe('the resolve checkpoint', () => {
  it('reads a checkpoint of one intent recorded before the step held a list', () => {
    const legacy: JsonObject = {
      intent: { kind: 'VendorSet', name: 'v' },
      intentRevision: 'abc',
      stored: true,
      mode: 'enforce',
      document,
      suspended: false,
      libraryRevision: 'lib-1',
    };
    expect(read(legacy)).toMatchObject({
      intents: [{ kind: 'VendorSet', name: 'v', revision: 'abc', status: 'active', stored: true, mode: 'enforce', prune: false }],
      documents: [document],
      enforce: true,
      suspended: false,
      libraryRevision: 'lib-1',
    });
  });

  it('reads today’s checkpoint as recorded', () => {
    const current: JsonObject = {
      intents: [{ kind: 'VendorSet', name: 'v', revision: null, status: 'active', stored: false, mode: 'observe', prune: false }],
      documents: [document],
      suspended: false,
      enforce: false,
      libraryRevision: 'lib-1',
    };
    expect(read(current)).toEqual(current);
  });

  it('refuses a checkpoint this version cannot read, naming the step', () => {
    expect(() => read({ intents: [], documents: [], suspended: false, enforce: false, libraryRevision: 'lib-1' })).toThrow(StepOutputError);
    expect(() => read({ document, mode: 'enforce' })).toThrow(/the resolve step's recorded output does not match this version/);
  });
});
