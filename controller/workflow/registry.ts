// The application's workflows: reconcile and import (one pipeline), library refresh and
// upgrade preview. The engine runs them by name.
import { z } from 'zod';
import type { Workflows } from '../engine/index.ts';
import type { WorkflowDefinition } from './definition.ts';
import { applyIntentsWorkflow, importDeviceTypesWorkflow, importVendorsWorkflow, reconcileIntentWorkflow } from './reconcile-workflows.ts';
import type { ReconcileServices } from './types.ts';
import { previewLibraryUpgradeWorkflow } from './upgrade-workflow.ts';

const RefreshLibraryForm = z
  .strictObject({})
  .meta({ title: 'Refresh the devicetype-library', description: 'Fetch the library source and load it at its new revision' });

export const refreshLibraryWorkflow: WorkflowDefinition<z.output<typeof RefreshLibraryForm>> = {
  name: 'task_refresh_library',
  target: 'SYSTEM',
  description: 'Fetch the devicetype-library source (folder or Git) to a new revision and load it',
  form: RefreshLibraryForm,
  steps: [
    {
      name: 'refresh',
      async run(ctx) {
        const result = await ctx.library.refresh();
        await ctx.setRevisions({ libraryRevision: result.revision });
        return { revision: result.revision, changed: result.changed };
      },
    },
  ],
};

/** The workflow requestReconcile starts. */
export const RECONCILE_WORKFLOW = reconcileIntentWorkflow.name;

/** Every workflow the engine runs, by name. */
export const WORKFLOWS: Workflows<ReconcileServices> = new Map(
  (
    [
      reconcileIntentWorkflow,
      importVendorsWorkflow,
      importDeviceTypesWorkflow,
      applyIntentsWorkflow,
      refreshLibraryWorkflow,
      previewLibraryUpgradeWorkflow,
    ] as WorkflowDefinition[]
  ).map((w) => [w.name, w]),
);
