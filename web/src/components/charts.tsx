// The overview's two charts (recharts, loaded with the overview only).
import type { ReactNode } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DriftHistory, ProcessOutcomes } from '../api/types.ts';
import { formatAxisTime } from '../format.ts';
import { sortActions } from './badges.tsx';

/** Mid-tone colours readable on both themes; the legend and tooltip name every series. */
export const ACTION_COLOURS: Record<string, string> = {
  create: '#2e9e5b',
  update: '#d08a0c',
  delete: '#d9453b',
  extra: '#8a63d2',
  unmanaged: '#3b82c4',
  blocked: '#b0467a',
};
export const STATUS_COLOURS: Record<string, string> = {
  completed: '#2e9e5b',
  failed: '#d9453b',
  cancelled: '#8a8f98',
  running: '#3b82c4',
  waiting: '#d08a0c',
  created: '#8a63d2',
};
const STATUS_ORDER = ['completed', 'failed', 'cancelled', 'running', 'waiting', 'created'];

const axis = { stroke: 'var(--muted)', fontSize: 12 } as const;
const tooltipStyle = { background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' } as const;

export function DriftChart({ history, height = 220 }: { readonly history: DriftHistory; readonly height?: number }): ReactNode {
  const span = Date.parse(history.to) - Date.parse(history.from);
  const actions = sortActions(history.points.flatMap((p) => Object.keys(p.byAction)));
  const data = history.points.map((p) => ({ at: p.at, ...Object.fromEntries(actions.map((a) => [a, p.byAction[a] ?? 0])) }));
  const latest = history.points[history.points.length - 1];
  return (
    <figure className="chart" aria-label={`Drift over time; now ${latest?.total ?? 0} objects`}>
      <ResponsiveContainer width="100%" height={height}>
        <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis dataKey="at" tickFormatter={(v: string) => formatAxisTime(v, span)} {...axis} minTickGap={24} />
          <YAxis allowDecimals={false} {...axis} width={48} />
          <Tooltip labelFormatter={(v) => new Date(String(v)).toLocaleString()} contentStyle={tooltipStyle} />
          <Legend />
          {actions.map((action) => (
            <Area
              key={action}
              type="stepAfter"
              dataKey={action}
              stackId="drift"
              stroke={ACTION_COLOURS[action] ?? '#888'}
              fill={ACTION_COLOURS[action] ?? '#888'}
              fillOpacity={0.35}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
      {actions.length === 0 ? <figcaption className="muted">No drift recorded in this period.</figcaption> : null}
    </figure>
  );
}

export function OutcomeChart({ outcomes, height = 220 }: { readonly outcomes: ProcessOutcomes; readonly height?: number }): ReactNode {
  const span = Date.parse(outcomes.to) - Date.parse(outcomes.from);
  const present = new Set(outcomes.buckets.flatMap((b) => Object.keys(b.byStatus)));
  const statuses = [...STATUS_ORDER.filter((s) => present.has(s)), ...[...present].filter((s) => !STATUS_ORDER.includes(s))];
  const data = outcomes.buckets.map((b) => ({ at: b.from, ...Object.fromEntries(statuses.map((s) => [s, b.byStatus[s] ?? 0])) }));
  const total = outcomes.buckets.reduce((n, b) => n + b.total, 0);
  return (
    <figure className="chart" aria-label={`Reconcile outcomes; ${total} reconciles in this period`}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis dataKey="at" tickFormatter={(v: string) => formatAxisTime(v, span)} {...axis} minTickGap={24} />
          <YAxis allowDecimals={false} {...axis} width={48} />
          <Tooltip labelFormatter={(v) => new Date(String(v)).toLocaleString()} contentStyle={tooltipStyle} cursor={{ fill: 'var(--hover)' }} />
          <Legend />
          {statuses.map((status) => (
            <Bar key={status} dataKey={status} stackId="outcome" fill={STATUS_COLOURS[status] ?? '#888'} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
      {total === 0 ? <figcaption className="muted">No reconciles in this period.</figcaption> : null}
    </figure>
  );
}
