import { TEMPLATE_ENDPOINTS } from './endpoints.ts';
import type { Endpoint, NetBoxVersion } from './types.ts';

/**
 * Parses a NetBox version string such as `4.5.10`, `v4.1.3-Docker-3.0.2` or `4.0-beta2`.
 * Returns undefined when the text holds no `major.minor`.
 */
export function parseVersion(text: string): NetBoxVersion | undefined {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return undefined;
  return {
    version: text.trim(),
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: match[3] === undefined ? 0 : Number(match[3]),
  };
}

/** Whether `v` is at least `major.minor`. */
export function isAtLeast(v: NetBoxVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/**
 * Filters whose name depends on the server version. NetBox 4.0 added `device_type_id` /
 * `module_type_id` for component templates and kept the old names; 4.1 removed the old names
 * (netbox-community/netbox#15410). Since unknown query parameters are ignored silently, a
 * client that sends the wrong name gets every template back. Callers use the new names; the
 * client sends the old ones to servers before 4.1, which know them for sure.
 */
const PRE_4_1_TEMPLATE_FILTERS: Readonly<Record<string, string>> = {
  device_type_id: 'devicetype_id',
  module_type_id: 'moduletype_id',
};

/** The name the server knows for a canonical filter name on an endpoint. */
export function serverFilterName(endpoint: Endpoint, canonical: string, v: NetBoxVersion): string {
  if (!TEMPLATE_ENDPOINTS.has(endpoint) || isAtLeast(v, 4, 1)) return canonical;
  return PRE_4_1_TEMPLATE_FILTERS[canonical] ?? canonical;
}

/** Front ports have `positions` + `rear_ports: [...]` from 4.5; before, one `rear_port` + `rear_port_position`. */
export function usesFrontPortMappings(v: NetBoxVersion): boolean {
  return isAtLeast(v, 4, 5);
}

/** Dynamic fields (`?fields=`) exist from NetBox 4.0. */
export function supportsDynamicFields(v: NetBoxVersion): boolean {
  return isAtLeast(v, 4, 0);
}
