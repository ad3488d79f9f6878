import { NetBoxVersionError } from './errors.ts';
import type { LostMapping } from './errors.ts';
import { usesFrontPortMappings } from './version.ts';
import type { FrontPortMapping, NetBoxVersion } from './types.ts';

type Json = Readonly<Record<string, unknown>>;

/**
 * Reads a front-port template in whatever shape the server sent into the canonical 4.5 shape:
 * `positions` + `rear_ports: [{position, rear_port, rear_port_position}]`. Objects that carry
 * neither shape (brief reads) are returned unchanged.
 */
export function toCanonicalFrontPort(raw: Json): Json {
  if ('rear_ports' in raw || !('rear_port' in raw)) return raw;
  const { rear_port: rearPort, rear_port_position: rearPosition, ...rest } = raw;
  const id = typeof rearPort === 'number' ? rearPort : refId(rearPort);
  const mapping: FrontPortMapping[] =
    id === undefined ? [] : [{ position: 1, rear_port: id, rear_port_position: typeof rearPosition === 'number' ? rearPosition : 1 }];
  return { ...rest, positions: typeof rest.positions === 'number' ? rest.positions : 1, rear_ports: mapping };
}

/**
 * Writes a canonical front-port item in the shape the server knows. Before 4.5 a front port has
 * one position and one rear port: anything else cannot be expressed and is refused here rather
 * than silently half-written.
 */
export function toServerFrontPortWrite(item: Json, version: NetBoxVersion): Json {
  if (usesFrontPortMappings(version)) return item;
  const { rear_ports: mappings, positions, ...rest } = item;
  const name = typeof item.name === 'string' ? item.name : `id ${String(item.id)}`;
  if (positions !== undefined && positions !== 1) {
    throw new NetBoxVersionError(
      `Front port "${name}" has ${String(positions)} positions; NetBox ${version.version} supports one position per front port (4.5 added more). Upgrade NetBox or change the definition.`,
      version.version,
    );
  }
  if (mappings === undefined) return rest;
  const list = Array.isArray(mappings) ? (mappings as FrontPortMapping[]) : [];
  const first = list[0];
  if (list.length !== 1 || first === undefined || first.position !== 1) {
    throw new NetBoxVersionError(
      `Front port "${name}" maps ${list.length} position(s) to rear ports; NetBox ${version.version} takes exactly one mapping (position 1) per front port. Upgrade NetBox to 4.5 or change the definition.`,
      version.version,
    );
  }
  return { ...rest, rear_port: first.rear_port, rear_port_position: first.rear_port_position };
}

/**
 * Compares the mappings written with those NetBox read back (both canonical) and lists the
 * front ports whose mapping was lost or changed. Items written without `rear_ports` are skipped.
 */
export function findLostMappings(written: readonly Json[], readBack: readonly Json[]): LostMapping[] {
  const lost: LostMapping[] = [];
  written.forEach((item, index) => {
    if (!Array.isArray(item.rear_ports)) return;
    const expected = item.rear_ports as FrontPortMapping[];
    const back = readBack[index] ?? {};
    const actual = Array.isArray(back.rear_ports) ? (back.rear_ports as FrontPortMapping[]) : [];
    if (mappingKey(expected) !== mappingKey(actual)) {
      lost.push({
        index,
        id: typeof back.id === 'number' ? back.id : -1,
        name: typeof back.name === 'string' ? back.name : String(item.name),
        expected,
        actual,
      });
    }
  });
  return lost;
}

function mappingKey(mappings: readonly FrontPortMapping[]): string {
  return mappings
    .map((m) => `${m.position}:${refId(m.rear_port) ?? String(m.rear_port)}:${m.rear_port_position}`)
    .sort()
    .join('|');
}

function refId(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'number') return (value as { id: number }).id;
  return undefined;
}
