import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateIntentObject } from '../../controller/intents/index.ts';
import type { TestDatabase } from './database.ts';

/** A VendorSet intent with custom manufacturers only (no library lookups needed); `spec` adds policy fields (interval, prune, ...). */
export function vendorSetYaml(name: string, spec: Record<string, string | boolean> = {}, slug = name): string {
  const policy = Object.entries(spec)
    .map(([key, value]) => `  ${key}: ${typeof value === 'string' && /^[0-9*]/.test(value) ? JSON.stringify(value) : String(value)}\n`)
    .join('');
  return (
    `apiVersion: netbox-gitops.io/v1alpha1\nkind: VendorSet\nmetadata:\n  name: ${name}\nspec:\n${policy}` +
    `  custom:\n    - name: ${slug} Inc\n      slug: ${slug}\n`
  );
}

/** An enforce DeviceTypeSet of one vendor's device types whose model matches `include` (a regex), as the CLI tests apply to the emulator. */
export function deviceTypeSetYaml(name: string, include: string, vendor = 'Arista'): string {
  return [
    'apiVersion: netbox-gitops.io/v1alpha1',
    'kind: DeviceTypeSet',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  mode: enforce',
    `  vendors: [${vendor}]`,
    `  include: ["${include}"]`,
  ].join('\n');
}

/** Creates a temp intents folder (`<prefix>XXXXXX` under the OS temp dir) holding `files` (name → YAML); returns its path. */
export async function writeIntentsFolder(prefix: string, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

/**
 * Stores an intent document (validated first) in the `intents` table with a revision row, as a
 * source's sync would: upserted by kind and name; `status` defaults to active.
 */
export async function putIntent(
  db: TestDatabase,
  document: Record<string, unknown>,
  options: { revision?: string; status?: string } = {},
): Promise<{ kind: 'VendorSet' | 'DeviceTypeSet'; name: string }> {
  const { intent, issues } = validateIntentObject(document);
  if (!intent) throw new Error(`test intent is invalid: ${JSON.stringify(issues)}`);
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO intents (kind, name, source, revision, spec, status, mode) VALUES ($1, $2, 'test', $3, $4::jsonb, $5, $6)
     ON CONFLICT (kind, name) DO UPDATE SET revision = EXCLUDED.revision, spec = EXCLUDED.spec, status = EXCLUDED.status, mode = EXCLUDED.mode
     RETURNING id`,
    [intent.kind, intent.metadata.name, options.revision ?? 'rev-1', JSON.stringify(intent), options.status ?? 'active', intent.spec.mode],
  );
  await db.pool.query(`INSERT INTO intent_revisions (intent_id, revision, spec, source) VALUES ($1, $2, $3::jsonb, 'test') ON CONFLICT DO NOTHING`, [
    rows[0]?.id,
    options.revision ?? 'rev-1',
    JSON.stringify(intent),
  ]);
  return { kind: intent.kind, name: intent.metadata.name };
}
