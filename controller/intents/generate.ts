import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { CRD_NAMES, renderCustomResourceDefinition } from './crd.ts';
import { NotificationSchema, renderNotificationCrd } from './notification.ts';
import { INTENT_GROUP, INTENT_KINDS, IntentSchema } from './schema.ts';

/** A file generated from the intent schema, with its path relative to the repository root. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

export const JSON_SCHEMA_PATH = 'schema/intent.schema.json';
const SOURCE = 'controller/intents/schema.ts';

/** The JSON Schema (draft-07) of an intent document, for editors and API validation. */
export function renderIntentJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(IntentSchema, { target: 'draft-07', io: 'input' }) as Record<string, unknown>;
  return {
    $schema,
    $id: `https://${INTENT_GROUP}/schema/intent.schema.json`,
    $comment: `Generated from ${SOURCE} by \`netbox-gitops generate\`; do not edit.`,
    title: 'netbox-gitops intent (VendorSet or DeviceTypeSet)',
    ...rest,
  };
}

export const NOTIFICATION_JSON_SCHEMA_PATH = 'schema/notification.schema.json';
const NOTIFICATION_SOURCE = 'controller/intents/notification.ts';

/** The JSON Schema (draft-07) of a Notification resource, for editors. */
export function renderNotificationJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(NotificationSchema, { target: 'draft-07', io: 'input' }) as Record<string, unknown>;
  return {
    $schema,
    $id: `https://${INTENT_GROUP}/schema/notification.schema.json`,
    $comment: `Generated from ${NOTIFICATION_SOURCE} by \`netbox-gitops generate\`; do not edit.`,
    title: 'netbox-gitops Notification',
    ...rest,
  };
}

/**
 * Every generated file, rendered in memory. Deterministic: the same schema always gives the
 * same bytes (key order follows the schema's definition order; no timestamps).
 */
export function renderIntentArtifacts(): GeneratedFile[] {
  const files: GeneratedFile[] = [{ path: JSON_SCHEMA_PATH, content: `${JSON.stringify(renderIntentJsonSchema(), null, 2)}\n` }];
  for (const kind of INTENT_KINDS) {
    const header = `# Generated from ${SOURCE} by \`netbox-gitops generate\`; do not edit.\n`;
    const body = stringify(renderCustomResourceDefinition(kind), { lineWidth: 0, aliasDuplicateObjects: false });
    const name = `${CRD_NAMES[kind].plural}.${INTENT_GROUP}.yaml`;
    files.push({ path: `crds/${name}`, content: header + body });
    // Helm installs a chart's crds/ before its templates; the chart carries the same files.
    files.push({ path: `charts/netbox-gitops/crds/${name}`, content: header + body });
  }
  const header = `# Generated from ${NOTIFICATION_SOURCE} by \`netbox-gitops generate\`; do not edit.\n`;
  const body = stringify(renderNotificationCrd(), { lineWidth: 0, aliasDuplicateObjects: false });
  for (const folder of ['crds', 'charts/netbox-gitops/crds']) files.push({ path: `${folder}/notifications.${INTENT_GROUP}.yaml`, content: header + body });
  files.push({ path: NOTIFICATION_JSON_SCHEMA_PATH, content: `${JSON.stringify(renderNotificationJsonSchema(), null, 2)}\n` });
  return files;
}

/** Writes every generated file under `root`; returns each path and whether its content changed. */
export async function writeIntentArtifacts(root: string): Promise<{ path: string; changed: boolean }[]> {
  const results: { path: string; changed: boolean }[] = [];
  for (const file of renderIntentArtifacts()) {
    const target = join(root, file.path);
    const changed = (await readIfExists(target)) !== file.content;
    if (changed) {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content, 'utf8');
    }
    results.push({ path: file.path, changed });
  }
  return results;
}

/** Generated files under `root` that are missing or differ from what the schema gives now. */
export async function findStaleIntentArtifacts(root: string): Promise<string[]> {
  const stale: string[] = [];
  for (const file of renderIntentArtifacts()) {
    if ((await readIfExists(join(root, file.path))) !== file.content) stale.push(file.path);
  }
  return stale;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
