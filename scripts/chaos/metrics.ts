// What the chaos suite measures after a scenario, and the table it prints.
import type { Stack } from './harness.ts';

export const NETBOX_PATHS = { deviceTypes: '/api/dcim/device-types/' } as const;

const TEMPLATE_ENDPOINTS = [
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
] as const;

export interface Row {
  readonly scenario: string;
  /** Objects in NetBox after the scenario (it started empty): what the runs wrote. */
  readonly objects: number;
  /** Objects that exist more than once under one identity. */
  readonly duplicates: number;
  /** Operations `plan` still finds afterwards (-1: could not tell). */
  readonly drift: number;
  /** Audit rows of creates (NetBox starts empty: one per object when nothing is missed). */
  readonly audit: number;
  /** Processes not finished (created/running/waiting), or failed without a message. */
  readonly lost: number;
  /** From the fault to the last process finishing, in seconds. */
  readonly convergeS: number;
  readonly notes: readonly string[];
  /** No lost process, no duplicate, no drift. */
  readonly ok: boolean;
  /** False when the scenario could not run to its end (setup failed, a wait timed out). */
  readonly ran: boolean;
}

type Obj = Record<string, unknown>;
const idOf = (ref: unknown): string => String((ref as { id?: unknown } | null)?.id ?? '-');

/** Identity of an object as NetBox's unique constraints see it. */
function identity(endpoint: string, o: Obj): string {
  if (endpoint === 'manufacturers' || endpoint === 'tags') return String(o.slug);
  if (endpoint === 'device-types' || endpoint === 'module-types') return `${idOf(o.manufacturer)}/${String(o.model)}`;
  return `${o.device_type ? `d${idOf(o.device_type)}` : `m${idOf(o.module_type)}`}/${String(o.name)}`;
}

export async function measure(
  stack: Stack,
  run: { scenario: string; processIds: readonly string[]; faultAt: number; convergedAt: number; notes: readonly string[] },
): Promise<Row> {
  let objects = 0;
  let duplicates = 0;
  for (const endpoint of ['manufacturers', 'tags', 'device-types', 'module-types', ...TEMPLATE_ENDPOINTS] as const) {
    const list = stack.emu.store.list(endpoint) as Obj[];
    objects += list.length;
    duplicates += list.length - new Set(list.map((o) => identity(endpoint, o))).size;
  }
  // NetBox starts empty, so every object is a create: one create row each, exactly. Updates
  // (e.g. a manufacturer tagged by a second intent) are counted apart.
  const { rows: audit } = await stack.db.pool.query<{ n: string; other: string }>(
    `SELECT count(*) FILTER (WHERE action = 'create') AS n, count(*) FILTER (WHERE action <> 'create') AS other FROM audit_log`,
  );
  const { rows: processes } = await stack.db.pool.query<{ status: string; message: string | null }>(
    `SELECT status, error ->> 'message' AS message FROM processes`,
  );
  const lost = processes.filter((p) => ['created', 'running', 'waiting'].includes(p.status) || (p.status === 'failed' && !p.message)).length;
  let drift = -1;
  const notes = [...run.notes];
  try {
    drift = await stack.driftAfter();
  } catch (error) {
    notes.push(`drift check failed: ${(error as Error).message.slice(0, 200)}`);
  }
  const auditRows = Number(audit[0]?.n ?? 0);
  if (auditRows !== objects) notes.push(`audit ${auditRows < objects ? 'misses' : 'exceeds'} objects by ${Math.abs(auditRows - objects)}`);
  if (auditRows > objects) {
    const { rows: twice } = await stack.db.pool.query<{ what: string; n: string }>(
      `SELECT object_kind || ' ' || object_identity AS what, count(*) AS n FROM audit_log WHERE action = 'create'
        GROUP BY object_kind, object_identity HAVING count(*) > 1 ORDER BY count(*) DESC, 1 LIMIT 3`,
    );
    if (twice.length > 0) notes.push(`create audited more than once: ${twice.map((t) => `${t.what} ×${t.n}`).join(', ')}`);
  }
  if (Number(audit[0]?.other ?? 0) > 0) notes.push(`+${audit[0]?.other} update/delete audit rows`);
  return {
    scenario: run.scenario,
    objects,
    duplicates,
    drift,
    audit: auditRows,
    lost,
    convergeS: Math.round((run.convergedAt - run.faultAt) / 100) / 10,
    notes,
    ok: lost === 0 && duplicates === 0 && drift === 0,
    ran: true,
  };
}

const COLUMNS = ['scenario', 'objects written', 'duplicates', 'drift after', 'audit creates / objects', 'processes lost', 'converge (s)', 'notes'];

export function printHeader(): void {
  console.log(`| ${COLUMNS.join(' | ')} |`);
  console.log(`| ${COLUMNS.map((c, i) => (i === 0 || i === COLUMNS.length - 1 ? '---' : '---:')).join(' | ')} |`);
}

export function printRow(row: Row): void {
  const cells = [
    row.scenario,
    String(row.objects),
    String(row.duplicates),
    row.drift < 0 ? '?' : String(row.drift),
    `${row.audit} / ${row.objects}`,
    row.lost < 0 ? '?' : String(row.lost),
    row.convergeS < 0 ? '?' : row.convergeS.toFixed(1),
    row.notes.join('; ').replace(/\|/g, '/'),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}

export function printSummary(rows: readonly Row[]): void {
  const bad = rows.filter((r) => r.ran && !r.ok);
  const notRun = rows.filter((r) => !r.ran);
  const auditOff = rows.filter((r) => r.audit !== r.objects);
  console.log(
    `\n${rows.length} scenario(s): ${rows.length - bad.length - notRun.length} with 0 lost, 0 duplicates, 0 drift` +
      (bad.length > 0 ? `; FAILED (lost, duplicates or drift): ${bad.map((r) => r.scenario).join(', ')}` : '') +
      (notRun.length > 0 ? `; could not run: ${notRun.map((r) => r.scenario).join(', ')}` : '') +
      (auditOff.length > 0
        ? `; audit rows ≠ objects in ${auditOff.map((r) => r.scenario).join(', ')} (not a failure of this suite: the apply outbox keeps them equal and has its own tests)`
        : ''),
  );
}
