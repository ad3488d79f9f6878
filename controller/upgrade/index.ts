/**
 * Library upgrades without surprises: what changed in the devicetype-library between two
 * revisions, and what taking a new revision would do to NetBox for each intent.
 */
export { capLibraryChanges, diffCatalogues } from './library-diff.ts';
export { previewLibraryUpgrade } from './preview.ts';
export type { UpgradePreview, UpgradeTarget } from './preview.ts';
