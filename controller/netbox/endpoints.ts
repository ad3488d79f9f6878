import type { Endpoint } from './types.ts';

/** Every endpoint the client knows, in the order references allow them to be written. */
export const ENDPOINTS: readonly Endpoint[] = [
  'tags',
  'manufacturers',
  'device-types',
  'module-types',
  'rear-port-templates',
  'interface-templates',
  'console-port-templates',
  'console-server-port-templates',
  'power-port-templates',
  'power-outlet-templates',
  'front-port-templates',
  'device-bay-templates',
  'module-bay-templates',
  'inventory-item-templates',
];

/** The ten component-template endpoints; they take the `device_type_id` / `module_type_id` filters. */
export const TEMPLATE_ENDPOINTS: ReadonlySet<Endpoint> = new Set<Endpoint>([
  'interface-templates',
  'console-port-templates',
  'console-server-port-templates',
  'power-port-templates',
  'power-outlet-templates',
  'front-port-templates',
  'rear-port-templates',
  'device-bay-templates',
  'module-bay-templates',
  'inventory-item-templates',
]);

/**
 * Template endpoints whose objects belong to device types only: NetBox's device-bay and
 * inventory-item templates have no `module_type` field and no `module_type_id` filter (a
 * `module_type_id` sent there is ignored and every object comes back). The other eight kinds
 * take either parent.
 */
export const DEVICE_TYPE_ONLY_TEMPLATE_ENDPOINTS: ReadonlySet<Endpoint> = new Set<Endpoint>(['device-bay-templates', 'inventory-item-templates']);

/** The parents a template endpoint's objects can have, as their field names. */
export function templateParentFields(endpoint: Endpoint): readonly ('device_type' | 'module_type')[] {
  if (!TEMPLATE_ENDPOINTS.has(endpoint)) return [];
  return DEVICE_TYPE_ONLY_TEMPLATE_ENDPOINTS.has(endpoint) ? ['device_type'] : ['device_type', 'module_type'];
}

/** Whether a string names an endpoint the client knows. */
export function isEndpoint(name: string): name is Endpoint {
  return (ENDPOINTS as readonly string[]).includes(name);
}

/** The list path of an endpoint, e.g. `/api/dcim/interface-templates/`. */
export function listPath(endpoint: Endpoint): string {
  return endpoint === 'tags' ? '/api/extras/tags/' : `/api/dcim/${endpoint}/`;
}

/** The path template of one object, e.g. `/api/dcim/device-types/{id}/` (for metrics). */
export function objectPathTemplate(endpoint: Endpoint): string {
  return `${listPath(endpoint)}{id}/`;
}

/** The path of one object. */
export function objectPath(endpoint: Endpoint, id: number): string {
  return `${listPath(endpoint)}${id}/`;
}

/**
 * The fields of NetBox's brief form of each endpoint (4.x), used to widen a brief read into a
 * `fields=` read when a filter must be verified against a field the brief form lacks.
 */
export const BRIEF_FIELDS: Readonly<Record<Endpoint, readonly string[]>> = {
  manufacturers: ['id', 'url', 'display', 'name', 'slug', 'description'],
  'device-types': ['id', 'url', 'display', 'manufacturer', 'model', 'slug', 'description'],
  'module-types': ['id', 'url', 'display', 'manufacturer', 'model', 'description'],
  tags: ['id', 'url', 'display', 'name', 'slug', 'color', 'description'],
  'interface-templates': ['id', 'url', 'display', 'name', 'description'],
  'console-port-templates': ['id', 'url', 'display', 'name', 'description'],
  'console-server-port-templates': ['id', 'url', 'display', 'name', 'description'],
  'power-port-templates': ['id', 'url', 'display', 'name', 'description'],
  'power-outlet-templates': ['id', 'url', 'display', 'name', 'description'],
  'front-port-templates': ['id', 'url', 'display', 'name', 'description'],
  'rear-port-templates': ['id', 'url', 'display', 'name', 'description'],
  'device-bay-templates': ['id', 'url', 'display', 'name', 'description'],
  'module-bay-templates': ['id', 'url', 'display', 'name', 'description'],
  'inventory-item-templates': ['id', 'url', 'display', 'name', 'description'],
};
