/** Where in NetBox's OpenAPI schema each emulated choice set is defined. */
export interface ChoiceSource {
  readonly set: string;
  readonly schema: string;
  readonly property: string;
}

export const CHOICE_SOURCES: readonly ChoiceSource[] = [
  { set: 'console-port-type', schema: 'WritableConsolePortTemplateRequest', property: 'type' },
  { set: 'power-port-type', schema: 'WritablePowerPortTemplateRequest', property: 'type' },
  { set: 'power-outlet-type', schema: 'WritablePowerOutletTemplateRequest', property: 'type' },
  { set: 'power-outlet-feed-leg', schema: 'WritablePowerOutletTemplateRequest', property: 'feed_leg' },
  { set: 'interface-type', schema: 'WritableInterfaceTemplateRequest', property: 'type' },
  { set: 'interface-poe-mode', schema: 'WritableInterfaceTemplateRequest', property: 'poe_mode' },
  { set: 'interface-poe-type', schema: 'WritableInterfaceTemplateRequest', property: 'poe_type' },
  { set: 'interface-rf-role', schema: 'WritableInterfaceTemplateRequest', property: 'rf_role' },
  { set: 'port-type', schema: 'WritableFrontPortTemplateRequest', property: 'type' },
  { set: 'device-airflow', schema: 'WritableDeviceTypeRequest', property: 'airflow' },
  { set: 'module-airflow', schema: 'WritableModuleTypeRequest', property: 'airflow' },
  { set: 'weight-unit', schema: 'WritableDeviceTypeRequest', property: 'weight_unit' },
  { set: 'subdevice-role', schema: 'WritableDeviceTypeRequest', property: 'subdevice_role' },
];

/** Thrown when the schema does not describe a choice set the way the generator expects. */
export class ChoiceSchemaError extends Error {
  constructor(
    message: string,
    readonly set: string,
  ) {
    super(message);
    this.name = 'ChoiceSchemaError';
  }
}

/** Reads every choice set of CHOICE_SOURCES from a parsed OpenAPI document. */
export function extractChoices(schema: unknown): Record<string, Array<[string, string]>> {
  const result: Record<string, Array<[string, string]>> = {};
  for (const source of CHOICE_SOURCES) {
    const property = lookup(schema, ['components', 'schemas', source.schema, 'properties', source.property]);
    const values = lookup(property, ['enum']);
    const description = lookup(property, ['description']);
    if (!Array.isArray(values) || typeof description !== 'string') {
      throw new ChoiceSchemaError(`${source.schema}.${source.property} has no enum/description; check the schema file`, source.set);
    }
    const labels = new Map<string, string>();
    for (const match of description.matchAll(/^\* `([^`]*)` - (.*)$/gm)) labels.set(match[1] ?? '', match[2] ?? '');
    const pairs: Array<[string, string]> = [];
    for (const value of values) {
      if (typeof value !== 'string' || value === '') continue;
      const label = labels.get(value);
      if (label === undefined) throw new ChoiceSchemaError(`no label for ${source.set} value ${value}`, source.set);
      pairs.push([value, label]);
    }
    result[source.set] = pairs;
  }
  return result;
}

function lookup(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
