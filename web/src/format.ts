// Dates, durations and counts as the dashboard prints them (the user's locale, 24-hour UTC-free).

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const shortTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const number = new Intl.NumberFormat();

/** e.g. "2 Dec 2026, 16:45:01"; "—" for null. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** A chart axis label: the time within a day, else day and time. */
export function formatAxisTime(iso: string, spanMs: number): string {
  const date = new Date(iso);
  return spanMs <= 24 * 3600_000 ? shortTime.format(date) : shortDate.format(date);
}

/** 950 ms, 12.3 s, 4 min 5 s, 2 h 3 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.floor(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Time between two ISO stamps (to = now when null). */
export function durationBetween(from: string | null, to: string | null, now: number = Date.now()): number | null {
  if (!from) return null;
  return (to ? Date.parse(to) : now) - Date.parse(from);
}

/** "3 min ago", "in 12 min", "just now". */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  if (abs < 5_000) return 'just now';
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const value = Math.floor(abs / size);
      return diff < 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`;
    }
  }
  return 'just now';
}

export function formatCount(n: number): string {
  return number.format(n);
}

/** A value of a field diff, compact: strings quoted, null as ∅. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** First 8 characters of a UUID, for tables. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
