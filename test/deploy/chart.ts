// Renders charts/netbox-gitops the way `helm template` would (values.yaml merged with
// overrides, every template sharing the `define`d helpers), with the go-template.ts subset.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { TemplateSet } from './go-template.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHART_DIR = join(REPO_ROOT, 'charts', 'netbox-gitops');

/** A Kubernetes object as rendered, with the template file it came from. */
export interface RenderedObject {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

export interface RenderedChart {
  /** Rendered text per template file (templates/x.yaml → text). */
  readonly files: ReadonlyMap<string, string>;
  readonly objects: readonly RenderedObject[];
  readonly notes: string;
}

export interface ReleaseOptions {
  readonly name?: string;
  readonly namespace?: string;
  readonly isUpgrade?: boolean;
}

type Values = Record<string, unknown>;

/** The chart's values.yaml, parsed. */
export function readDefaultValues(): Values {
  return parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Values;
}

/** A chart file as Helm's .Files.Get reads it: "" when missing or under templates/. */
function chartFile(name: string): string {
  const path = join(CHART_DIR, name);
  if (name.startsWith('templates/') || name.includes('..') || !existsSync(path)) return '';
  return readFileSync(path, 'utf8');
}

/** Helm's coalescing: maps merge key by key, anything else replaces, null removes the key. */
export function mergeValues(base: Values, overrides: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(current)) merged[key] = mergeValues(current, value);
    else merged[key] = value;
  }
  return merged;
}

function isMap(value: unknown): value is Values {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Renders every template with values.yaml + overrides and parses the manifests as Kubernetes reads them (YAML 1.1). */
export function renderChart(overrides: Values = {}, release: ReleaseOptions = {}): RenderedChart {
  const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as Record<string, string>;
  const templateDir = join(CHART_DIR, 'templates');
  const names = readdirSync(templateDir).sort();
  const set = new TemplateSet();
  for (const name of names) set.add(`templates/${name}`, readFileSync(join(templateDir, name), 'utf8'));
  const root = {
    Values: mergeValues(readDefaultValues(), overrides),
    Release: {
      Name: release.name ?? 'demo',
      Namespace: release.namespace ?? 'netbox',
      Service: 'Helm',
      IsInstall: !(release.isUpgrade ?? false),
      IsUpgrade: release.isUpgrade ?? false,
      Revision: 1,
    },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion, Description: chart.description },
    Capabilities: { KubeVersion: { Version: 'v1.30.0', Major: '1', Minor: '30' } },
    // Helm's .Files: the chart's files outside templates/ (Get answers "" for a missing one).
    Files: { Get: (name: unknown) => chartFile(String(name)) },
  };
  const files = new Map<string, string>();
  const objects: RenderedObject[] = [];
  let notes = '';
  for (const name of names) {
    if (name.startsWith('_')) continue;
    const file = `templates/${name}`;
    const text = set.render(file, { ...root, Template: { Name: `netbox-gitops/${file}`, BasePath: 'netbox-gitops/templates' } });
    if (name === 'NOTES.txt') {
      notes = text;
      continue;
    }
    files.set(file, text);
    objects.push(...parseManifests(file, text));
  }
  return { files, objects, notes };
}

/** Parses a rendered file; a YAML error names the file and shows the text around it. */
export function parseManifests(file: string, text: string): RenderedObject[] {
  const objects: RenderedObject[] = [];
  for (const document of parseAllDocuments(text, { version: '1.1', uniqueKeys: true })) {
    if (document.errors.length > 0) {
      const error = document.errors[0];
      const offset = error?.pos[0] ?? 0;
      throw new Error(`${file}: ${error?.message}\n--- rendered text near the error:\n${text.slice(Math.max(0, offset - 300), offset + 300)}`);
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isMap(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string' || !isMap(value.metadata)) {
      throw new Error(`${file}: a document that is not a Kubernetes object:\n${document.toString()}`);
    }
    objects.push({ ...(value as unknown as Omit<RenderedObject, 'file'>), file } as RenderedObject);
  }
  return objects;
}
