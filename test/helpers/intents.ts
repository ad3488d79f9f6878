import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

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
