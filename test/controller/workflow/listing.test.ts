// Listings over 100,000 processes and audit rows: keyset pages have no gaps or duplicates
// (rows share timestamps), and every filter combination the API offers is served by an index
// in order (EXPLAIN shows no Sort over the table).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../controller/errors/index.ts';
import { auditQuery, processQuery } from '../../../controller/store/listing.ts';
import type { AuditFilter, ProcessFilter } from '../../../controller/workflow/index.ts';
import { startEngine } from './helpers.ts';
import type { EngineFixture } from './helpers.ts';

let engine: EngineFixture;
const ROWS = 100_000;

beforeAll(async () => {
  engine = await startEngine();
  await engine.service.listWorkflows();
  const pool = engine.db.pool;
  // Three processes per second, so pages must break ties on id.
  await pool.query(
    `INSERT INTO processes (workflow_id, workflow_name, status, intent_kind, intent_name, created_at, updated_at)
     SELECT w.id, w.name, (ARRAY['created','running','waiting','completed','failed','cancelled'])[1 + g % 6],
            CASE WHEN g % 4 = 3 THEN NULL ELSE (ARRAY['VendorSet','DeviceTypeSet'])[1 + g % 2] END,
            CASE WHEN g % 4 = 3 THEN NULL ELSE 'intent-' || (g % 500) END,
            timestamptz '2025-01-01 00:00:00+00' + (g / 3) * interval '1 second',
            now()
       FROM generate_series(1, $1::int) AS g
       JOIN workflows w ON w.name = (ARRAY['reconcile_intent','task_import_vendors','task_import_device_types','task_refresh_library'])[1 + (g / 7) % 4]`,
    [ROWS],
  );
  await pool.query(
    `WITH picked AS (SELECT array_agg(id ORDER BY created_at, id) AS ids FROM (SELECT id, created_at FROM processes ORDER BY created_at, id LIMIT 5000) f)
     INSERT INTO audit_log (process_id, action, object_kind, object_identity, netbox_id, intent_kind, intent_name, timestamp)
     SELECT p.id, 'create', (ARRAY['manufacturer','device-type','interface-template'])[1 + g % 3], 'obj-' || (g % 2000), g,
            p.intent_kind, p.intent_name, p.created_at + (g % 3) * interval '1 millisecond'
       FROM generate_series(1, $1::int) AS g, picked
       JOIN processes p ON true
      WHERE p.id = picked.ids[1 + g % 5000]`,
    [ROWS],
  );
  await pool.query('ANALYZE processes');
  await pool.query('ANALYZE audit_log');
}, 300_000);

afterAll(async () => {
  await engine?.close();
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function explain(query: { text: string; values: unknown[] }): Promise<{ nodes: PlanNode[]; ms: number }> {
  const { rows } = await engine.db.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${query.text}`,
    query.values,
  );
  const result = rows[0]?.['QUERY PLAN'][0];
  return { nodes: nodes(result?.Plan as PlanNode), ms: result?.['Execution Time'] ?? NaN };
}

async function cursorAfter(filter: ProcessFilter, pages: number): Promise<string> {
  let cursor: string | undefined;
  for (let i = 0; i < pages; i++) cursor = (await engine.service.listProcesses({ ...filter, ...(cursor ? { cursor } : {}) })).nextCursor ?? undefined;
  return cursor as string;
}

describe('listing processes', () => {
  it('pages newest first with no gaps or duplicates across equal timestamps', async () => {
    const filter: ProcessFilter = { intentKind: 'VendorSet', intentName: 'intent-8', limit: 7 };
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await engine.service.listProcesses({ ...filter, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((p) => p.id));
      expect(page.items.every((p) => p.intent?.name === 'intent-8')).toBe(true);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const { rows } = await engine.db.pool.query<{ id: string }>(
      `SELECT id FROM processes WHERE intent_kind = 'VendorSet' AND intent_name = 'intent-8' ORDER BY created_at DESC, id DESC`,
    );
    expect(seen).toEqual(rows.map((r) => r.id));
    expect(seen.length).toBeGreaterThan(100);
  });

  it('filters by status, workflow and time range', async () => {
    const page = await engine.service.listProcesses({
      status: 'failed',
      workflow: 'task_import_vendors',
      from: '2025-01-01T01:00:00Z',
      to: '2025-01-01T02:00:00Z',
      limit: 500,
    });
    expect(page.items.length).toBeGreaterThan(0);
    for (const p of page.items) {
      expect(p).toMatchObject({ status: 'failed', workflowName: 'task_import_vendors' });
      expect(p.createdAt >= '2025-01-01T01:00:00' && p.createdAt < '2025-01-01T02:00:00').toBe(true);
    }
    const { rows } = await engine.db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM processes WHERE status = 'failed' AND workflow_name = 'task_import_vendors' AND created_at >= '2025-01-01T01:00:00Z' AND created_at < '2025-01-01T02:00:00Z'`,
    );
    expect(page.items).toHaveLength(Number(rows[0]?.n));
  });

  it('refuses a bad cursor, limit or status with a ValidationError', async () => {
    await expect(engine.service.listProcesses({ cursor: 'nonsense' })).rejects.toBeInstanceOf(ValidationError);
    await expect(engine.service.listProcesses({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(engine.service.listProcesses({ limit: 501 })).rejects.toBeInstanceOf(ValidationError);
    await expect(engine.service.listProcesses({ status: 'bogus' as 'failed' })).rejects.toBeInstanceOf(ValidationError);
    await expect(engine.service.listProcesses({ from: 'yesterday' })).rejects.toBeInstanceOf(ValidationError);
    expect(await engine.service.getProcess('not-a-uuid')).toBeUndefined();
  });

  const processFilters: [string, ProcessFilter][] = [
    ['no filter', {}],
    ['status', { status: 'running' }],
    ['workflow', { workflow: 'task_refresh_library' }],
    ['intent', { intentKind: 'DeviceTypeSet', intentName: 'intent-11' }],
    ['time range', { from: '2025-01-01T03:00:00Z', to: '2025-01-01T04:00:00Z' }],
  ];
  it.each(processFilters)('serves "%s" from an index, in order, on a deep page too', async (_name, filter) => {
    for (const pages of [0, 20]) {
      const cursor = pages > 0 ? await cursorAfter({ ...filter, limit: 50 }, pages) : undefined;
      const plan = await explain(processQuery({ ...filter, ...(cursor ? { cursor } : {}) }, 50));
      const types = plan.nodes.map((n) => n['Node Type']);
      expect(types).not.toContain('Sort');
      expect(types).not.toContain('Seq Scan');
      expect(plan.nodes.some((n) => n['Index Name']?.startsWith('idx_processes_'))).toBe(true);
      // The cursor is a range on the index, not a filter over the rows before it.
      if (cursor) expect(plan.nodes.some((n) => /ROW\(created_at, id\) </.test(n['Index Cond'] ?? ''))).toBe(true);
    }
  });
});

describe('listing audit rows', () => {
  const auditFilters: [string, AuditFilter][] = [
    ['no filter', {}],
    ['object', { objectKind: 'manufacturer', objectIdentity: 'obj-3' }],
    ['intent', { intentKind: 'VendorSet', intentName: 'intent-10' }],
    ['time range', { from: '2025-01-01T00:10:00Z', to: '2025-01-01T00:20:00Z' }],
  ];
  it.each(auditFilters)('serves "%s" from an index without sorting the table', async (_name, filter) => {
    const plan = await explain(auditQuery(filter, 50));
    expect(plan.nodes.map((n) => n['Node Type'])).not.toContain('Seq Scan');
    expect(plan.nodes.some((n) => n['Index Name']?.startsWith('idx_audit_log_'))).toBe(true);
  });

  it('pages the audit rows of one process and of one object', async () => {
    const { rows } = await engine.db.pool.query<{ process_id: string; n: string }>(
      'SELECT process_id, count(*) AS n FROM audit_log GROUP BY process_id ORDER BY count(*) DESC LIMIT 1',
    );
    const processId = rows[0]?.process_id ?? '';
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await engine.service.listAudit({ processId, limit: 3, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(ids).toHaveLength(Number(rows[0]?.n));
    expect(new Set(ids).size).toBe(ids.length);
    const objectPage = await engine.service.listAudit({ objectKind: 'device-type', objectIdentity: 'obj-4', limit: 500 });
    expect(objectPage.items.length).toBeGreaterThan(0);
    expect(objectPage.items.every((a) => a.objectKind === 'device-type' && a.objectIdentity === 'obj-4')).toBe(true);
    expect((await engine.service.listAudit({ processId: 'nope' })).items).toEqual([]);
  });
});
