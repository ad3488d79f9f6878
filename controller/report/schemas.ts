// zod schemas of the report types that are stored (a library upgrade preview's step output)
// and read back by a later step, possibly by another version of the worker after a resume.
import { z } from 'zod';
import type { LibraryChanges, LibraryUpgradeReport } from './types.ts';

const LibraryFileRefSchema = z.looseObject({
  file: z.string(),
  kind: z.enum(['device-type', 'module-type']),
  manufacturer: z.string(),
  model: z.string(),
});

const LibraryModelChangeSchema = LibraryFileRefSchema.extend({
  fields: z.array(z.string()),
  templates: z.array(z.looseObject({ kind: z.string(), added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) })),
});

/** {@link LibraryChanges} as stored (`satisfies` checks it parses into the type). */
export const LibraryChangesSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  added: z.array(LibraryFileRefSchema),
  removed: z.array(LibraryFileRefSchema),
  renamed: z.array(z.looseObject({ from: LibraryFileRefSchema, to: LibraryFileRefSchema })),
  changed: z.array(LibraryModelChangeSchema),
  vendorsAdded: z.array(z.string()),
  vendorsRemoved: z.array(z.string()),
  unchanged: z.number(),
  totals: z.looseObject({ added: z.number(), removed: z.number(), renamed: z.number(), changed: z.number(), withTemplateChanges: z.number() }).optional(),
}) satisfies z.ZodType<LibraryChanges>;

const ActionCountsSchema = z.record(z.string(), z.number());

/** {@link LibraryUpgradeReport} as stored. */
export const LibraryUpgradeReportSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  changes: LibraryChangesSchema,
  effects: z.array(
    z.looseObject({
      intent: z.string(),
      from: z.string(),
      planAtNew: ActionCountsSchema,
      introduced: ActionCountsSchema,
      resolved: z.number(),
      sample: z.array(z.string()),
      error: z.string().optional(),
    }),
  ),
}) satisfies z.ZodType<LibraryUpgradeReport>;
