import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEVICE_TYPE_FIELDS,
  LIBRARY_TEMPLATE_KEYS,
  loadLibraryValidators,
  MODULE_TYPE_FIELDS,
  parseLibraryYaml,
  TEMPLATE_FIELDS,
  TEMPLATE_KINDS,
} from '../../../controller/catalogue/index.ts';
import type { Catalogue, CatalogueDeviceType, CatalogueModuleType, LibraryValidators } from '../../../controller/catalogue/index.ts';
import { exportTypes, layoutOf, toYamlValue, writeYaml } from '../../../controller/onboarding/index.ts';
import type { ExportedFile, YamlMap } from '../../../controller/onboarding/index.ts';
import { importLikeCommunityImporter } from '../../helpers/importer.ts';
import { LIBRARY_PATH, loadLibrary } from '../../helpers/library.ts';
import { startNetBox } from '../../helpers/netbox.ts';
import type { NetBoxFixture } from '../../helpers/netbox.ts';

const SAMPLE = 200;
const LIBRARY_ONLY_KEYS = new Set(['front_image', 'rear_image', 'is_powered']);

type Entry = CatalogueDeviceType | CatalogueModuleType;

/**
 * A library file NetBox can hold exactly: every key is one NetBox stores (no `poe`, no typos),
 * and the writer reproduces the file from its own parsed content and layout (no YAML comments,
 * no `1.0`-style numbers, no quoting the library's style would not use).
 */
function representable(entry: Entry, text: string): boolean {
  const parsed = parseLibraryYaml(text, entry.file);
  if (!parsed.ok) return false;
  const document = parsed.value as Record<string, unknown>;
  // `is_powered: true` is the library's default and says nothing NetBox could keep.
  if (document.is_powered === true) return false;
  // NetBox trims text, so a final newline is the writer's convention: one-line text has none,
  // multi-line text is a `|` block with exactly one. A `|-` block or a one-line `|` cannot come back.
  const trimmedAway = (v: unknown): boolean => {
    if (typeof v !== 'string') return false;
    const body = v.endsWith('\n') ? v.slice(0, -1) : v;
    return body.includes('\n') ? !v.endsWith('\n') || v.endsWith('\n\n') : v.endsWith('\n');
  };
  if (Object.values(document).some(trimmedAway)) return false;
  const fields = new Set([...(entry.kind === 'device-type' ? DEVICE_TYPE_FIELDS : MODULE_TYPE_FIELDS), 'manufacturer', 'model', 'slug', 'is_powered']);
  for (const key of Object.keys(document)) {
    const kind = TEMPLATE_KINDS.find((k) => LIBRARY_TEMPLATE_KEYS[k] === key);
    if (kind) {
      const allowed = new Set(['name', ...TEMPLATE_FIELDS[kind]]);
      for (const item of document[key] as Record<string, unknown>[]) if (Object.keys(item).some((k) => !allowed.has(k))) return false;
    } else if (!fields.has(key) || (LIBRARY_ONLY_KEYS.has(key) && key !== 'is_powered')) {
      return false;
    }
  }
  return writeYaml(toYamlValue(document) as YamlMap, { flavour: 'yaml11' }) === text;
}

/** 200 representable files, taken in turn from each vendor (sorted), so every vendor with one is in. */
async function sample(catalogue: Catalogue): Promise<{ entry: Entry; text: string }[]> {
  const byVendor = new Map<string, { entry: Entry; text: string }[]>();
  for (const entry of [...catalogue.deviceTypes, ...catalogue.moduleTypes].sort((a, b) => (a.file < b.file ? -1 : 1))) {
    const text = await readFile(path.join(LIBRARY_PATH, entry.file), 'utf8');
    if (!representable(entry, text)) continue;
    const list = byVendor.get(entry.manufacturerSlug) ?? [];
    list.push({ entry, text });
    byVendor.set(entry.manufacturerSlug, list);
  }
  const vendors = [...byVendor.keys()].sort();
  const picked: { entry: Entry; text: string }[] = [];
  for (let round = 0; picked.length < SAMPLE; round += 1) {
    let any = false;
    for (const vendor of vendors) {
      const next = byVendor.get(vendor)?.[round];
      if (!next || picked.length >= SAMPLE) continue;
      picked.push(next);
      any = true;
    }
    if (!any) break;
  }
  return picked;
}

/** Key order is canonical when the file's keys follow the exporter's default order. */
function inCanonicalOrder(exported: string, original: string): boolean {
  const keys = (text: string): string[] => [...text.matchAll(/^ *(?:- )?([a-z_-]+):/gm)].map((m) => m[1] ?? '');
  return keys(exported).join() === keys(original).join();
}

let catalogue: Catalogue;
let nb: NetBoxFixture;
let validators: LibraryValidators;
let picked: { entry: Entry; text: string }[];
beforeAll(async () => {
  catalogue = await loadLibrary();
  validators = await loadLibraryValidators(LIBRARY_PATH);
  picked = await sample(catalogue);
  nb = await startNetBox();
  await importLikeCommunityImporter(
    nb.api,
    picked.map((p) => p.entry).filter((e): e is CatalogueDeviceType => e.kind === 'device-type'),
    picked.map((p) => p.entry).filter((e): e is CatalogueModuleType => e.kind === 'module-type'),
  );
}, 120_000);
afterAll(async () => {
  await nb?.close();
});

async function exportAll(withLibrary: boolean): Promise<ExportedFile[]> {
  const limit = pLimit(4);
  const vendors = [...new Set(picked.map((p) => p.entry.manufacturerSlug))];
  const results = await Promise.all(
    vendors.map((vendor) => limit(() => exportTypes(nb.api, { manufacturer: vendor, validators, ...(withLibrary ? { catalogue } : {}), images: false }))),
  );
  for (const r of results) expect(r.invalid).toEqual([]);
  return results.flatMap((r) => r.files);
}

describe('export round-trips library files through NetBox', () => {
  it(`a sample of ${SAMPLE} library files across vendors comes back byte for byte, at the library's own paths`, async () => {
    expect(picked.length).toBe(SAMPLE);
    expect(new Set(picked.map((p) => p.entry.manufacturerSlug)).size).toBeGreaterThan(100);
    const files = new Map((await exportAll(true)).map((f) => [f.path, f]));
    const mismatches = picked.filter((p) => files.get(p.entry.file)?.content !== p.text).map((p) => p.entry.file);
    expect(mismatches).toEqual([]);
    for (const p of picked) expect(files.get(p.entry.file)?.replaces).toBe(p.entry.file);
  }, 300_000);

  it("without the library, files already in the exporter's default key order still come back byte for byte", async () => {
    const exported = await exportAll(false);
    const byModel = new Map(exported.map((f) => [`${f.kind}:${f.model}`, f]));
    let canonical = 0;
    for (const p of picked) {
      const file = byModel.get(`${p.entry.kind}:${p.entry.model}`);
      expect(file, p.entry.file).toBeDefined();
      const content = String(file?.content);
      // Same content whatever the order: the parsed documents are equal.
      const a = parseLibraryYaml(content, 'exported');
      const b = parseLibraryYaml(p.text, p.entry.file);
      expect(a.ok && sortKeys(withoutIsPowered(a.value)), p.entry.file).toEqual(b.ok && sortKeys(withoutIsPowered(b.value)));
      if (inCanonicalOrder(content, p.text)) {
        canonical += 1;
        expect(content, p.entry.file).toBe(p.text);
      }
    }
    expect(canonical).toBeGreaterThan(SAMPLE / 10);
    // Every exported file passes the library's own schemas.
    for (const f of exported) {
      const parsed = parseLibraryYaml(String(f.content), f.path);
      const validate = f.kind === 'device-type' ? validators.deviceType : validators.moduleType;
      expect(parsed.ok && validate(parsed.value), f.path).toBe(true);
      expect(layoutOf(parsed.ok ? parsed.value : {}).keys[0]).toBe('manufacturer');
    }
  }, 300_000);
});

/** `is_powered` is the library's own flag (NetBox has no such field): written by rule, not read back. */
function withoutIsPowered(value: unknown): unknown {
  const { is_powered: _isPowered, ...rest } = value as Record<string, unknown>;
  // Defaults a file may or may not spell out (the same NetBox data either way).
  const defaults: Record<string, unknown> = { positions: 1, rear_port_position: 1, mgmt_only: false, enabled: true };
  for (const [key, list] of Object.entries(rest)) {
    if (!Array.isArray(list)) continue;
    rest[key] = list.map((item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).filter(([k, v]) => defaults[k] !== v)));
  }
  return rest;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
