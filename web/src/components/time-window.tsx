import { useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { TimeWindow } from '../api/hooks.ts';

export const WINDOWS = [
  { id: '1h', label: '1 hour', ms: 3_600_000 },
  { id: '6h', label: '6 hours', ms: 6 * 3_600_000 },
  { id: '24h', label: '24 hours', ms: 24 * 3_600_000 },
  { id: '7d', label: '7 days', ms: 7 * 24 * 3_600_000 },
  { id: '30d', label: '30 days', ms: 30 * 24 * 3_600_000 },
] as const;
export type WindowId = (typeof WINDOWS)[number]['id'];

/** The default chart window of the overview. */
export const DEFAULT_WINDOW: WindowId = '24h';

const currentMinute = (): number => Math.ceil(Date.now() / 60_000);

/** The window `id` ending at the end of `minute` (minutes since the epoch; default the current one). */
export function timeWindow(id: WindowId, buckets = 48, minute = currentMinute()): TimeWindow {
  const span = WINDOWS.find((w) => w.id === id)?.ms ?? 24 * 3_600_000;
  const to = minute * 60_000;
  return { from: new Date(to - span).toISOString(), to: new Date(to).toISOString(), buckets };
}

/** The chart window ending now, moved on each minute (so its query key stays put in between). */
export function useTimeWindow(id: WindowId, buckets = 48): TimeWindow {
  const [minute, setMinute] = useState(currentMinute);
  useEffect(() => {
    const timer = setInterval(() => setMinute(currentMinute()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return useMemo(() => timeWindow(id, buckets, minute), [id, minute, buckets]);
}

export function TimeWindowSelect({ value, onChange }: { readonly value: WindowId; readonly onChange: (id: WindowId) => void }): ReactNode {
  return (
    <label className="inline">
      Period{' '}
      <select value={value} onChange={(e) => onChange(e.target.value as WindowId)}>
        {WINDOWS.map((w) => (
          <option key={w.id} value={w.id}>
            last {w.label}
          </option>
        ))}
      </select>
    </label>
  );
}
