/** JSON as it travels over the wire. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A stored field value: scalars, id lists (tags) and free JSON (custom fields, attributes). */
export type FieldValue = Json;

/**
 * One stored object. Rows are immutable: every write replaces the row with a new object and a
 * new `rev`, so anything cached against a row stays valid exactly as long as the row does.
 */
export interface Row {
  readonly id: number;
  readonly rev: number;
  readonly created: string;
  readonly last_updated: string;
  readonly f: Readonly<Record<string, FieldValue>>;
}

/** Field name → messages, or nested structures for list/object fields, as NetBox answers a 400. */
export type ErrorDetail = string[] | ErrorDict | Array<ErrorDict | string[]>;
export interface ErrorDict {
  [field: string]: ErrorDetail;
}

/** Names of the endpoints the emulator serves, as they appear in the URL. */
export type EndpointName =
  | 'manufacturers'
  | 'device-types'
  | 'module-types'
  | 'tags'
  | 'console-port-templates'
  | 'console-server-port-templates'
  | 'power-port-templates'
  | 'power-outlet-templates'
  | 'interface-templates'
  | 'front-port-templates'
  | 'rear-port-templates'
  | 'device-bay-templates'
  | 'module-bay-templates'
  | 'inventory-item-templates';

/** Internal tables that have no endpoint of their own. */
export type InternalTableName = 'port-template-mappings';
export type TableName = EndpointName | InternalTableName;

export const TEMPLATE_ENDPOINTS = [
  'console-port-templates',
  'console-server-port-templates',
  'power-port-templates',
  'power-outlet-templates',
  'interface-templates',
  'front-port-templates',
  'rear-port-templates',
  'device-bay-templates',
  'module-bay-templates',
  'inventory-item-templates',
] as const satisfies readonly EndpointName[];
export type TemplateEndpoint = (typeof TEMPLATE_ENDPOINTS)[number];

export const ENDPOINTS: readonly EndpointName[] = ['manufacturers', 'device-types', 'module-types', 'tags', ...TEMPLATE_ENDPOINTS];

/** True when `value` is one of the endpoints the emulator serves. */
export function isEndpointName(value: string): value is EndpointName {
  return (ENDPOINTS as readonly string[]).includes(value);
}

/**
 * An HTTP answer other than success, raised inside an operation; the store rolls back every
 * change the operation made before it reaches the client.
 */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
    this.name = 'ApiFailure';
  }
}
