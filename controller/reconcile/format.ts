import type { Plan, PlanOperation } from './types.ts';

const SYMBOL: Record<PlanOperation['action'], string> = { create: '+', update: '~', delete: '-', unmanaged: '?', blocked: '!', extra: '?' };

function show(value: unknown): string {
  return value === null ? 'null' : JSON.stringify(value);
}

function changeLines(op: PlanOperation, indent: string): string[] {
  return Object.entries(op.changes ?? {}).map(([field, c]) => `${indent}${field}: ${show(c.before)} → ${show(c.after)}`);
}

/** One-line summary: `12 to create, 3 to update, 0 to delete; 450 unchanged, 1 unmanaged, 0 blocked, 2 extra`. */
export function formatSummary(plan: Plan): string {
  const t = plan.summary.total;
  return `${t.create} to create, ${t.update} to update, ${t.delete} to delete; ${plan.summary.unchanged} unchanged, ${t.unmanaged} unmanaged, ${t.blocked} blocked, ${t.extra} extra`;
}

/**
 * Renders a plan as a readable diff grouped by intent, vendor and device type: `+` create,
 * `~` update with the changed fields, `-` delete, `?` unmanaged or extra, `!` blocked. Templates of a
 * type that is being created are counted rather than listed, to keep a full import readable.
 */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [];
  const modes = new Map(plan.intents.map((i) => [`${i.ref.kind}/${i.ref.name}`, i.mode]));
  const byIntent = new Map<string, PlanOperation[]>();
  for (const op of plan.operations) {
    const key = op.intents[0] ?? '(shared)';
    let list = byIntent.get(key);
    if (!list) byIntent.set(key, (list = []));
    list.push(op);
  }
  for (const [intent, ops] of [...byIntent.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const mode = modes.get(intent);
    lines.push(`${intent}${mode ? ` (${mode})` : ''}`);
    const byVendor = new Map<string, PlanOperation[]>();
    for (const op of ops) {
      let list = byVendor.get(op.vendor);
      if (!list) byVendor.set(op.vendor, (list = []));
      list.push(op);
    }
    for (const [vendor, vops] of [...byVendor.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (vendor) lines.push(`  ${vendor}`);
      lines.push(...formatVendor(vops));
    }
  }
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  lines.push('', `Plan: ${formatSummary(plan)}`);
  return lines.join('\n');
}

function formatVendor(ops: readonly PlanOperation[]): string[] {
  const lines: string[] = [];
  const childrenOf = new Map<string, PlanOperation[]>();
  const top: PlanOperation[] = [];
  for (const op of ops) {
    if (op.parent) {
      let list = childrenOf.get(op.parent.identity);
      if (!list) childrenOf.set(op.parent.identity, (list = []));
      list.push(op);
    } else {
      top.push(op);
    }
  }
  const parents = new Set(top.filter((o) => o.kind === 'device-type' || o.kind === 'module-type').map((o) => o.identity));
  for (const op of top) {
    lines.push(`    ${SYMBOL[op.action]} ${op.kind} ${op.identity}${op.reason ? ` (${op.reason})` : ''}`);
    lines.push(...changeLines(op, '        '));
    if (op.kind === 'device-type' || op.kind === 'module-type') lines.push(...formatChildren(op, childrenOf.get(op.identity) ?? []));
  }
  for (const [parent, children] of childrenOf) {
    if (parents.has(parent)) continue;
    lines.push(`    ~ ${children[0]?.parent?.kind ?? 'type'} ${parent} (components)`);
    lines.push(...formatChildren(undefined, children));
  }
  return lines;
}

function formatChildren(parent: PlanOperation | undefined, children: readonly PlanOperation[]): string[] {
  if (parent?.action === 'create') {
    const counts = new Map<string, number>();
    for (const c of children) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
    if (counts.size === 0) return [];
    return [`        + ${[...counts.entries()].map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`).join(', ')}`];
  }
  const lines: string[] = [];
  for (const c of children) {
    const name = c.identity.slice((c.parent?.identity.length ?? 0) + 1);
    lines.push(`        ${SYMBOL[c.action]} ${c.kind} ${name}${c.action === 'extra' ? ' (extra: not in the intent; deleted only with prune)' : ''}`);
    lines.push(...changeLines(c, '            '));
  }
  return lines;
}
