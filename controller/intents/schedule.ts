import { ValidationError } from '../errors/index.ts';

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const SECOND = 1000;
/** Shorter checks would hammer NetBox; one second is the floor we accept at all. */
export const MIN_INTERVAL_MS = SECOND;
/**
 * Longer intervals belong in a cron `schedule`; the cap also keeps every interval far below
 * the 2^31-1 ms where Node timers silently fire at once.
 */
export const MAX_INTERVAL_MS = 7 * 24 * 3600 * SECOND;
/** The bounds as durations (Go syntax too, so the CRD's CEL rule can compare them). */
export const MIN_INTERVAL_TEXT = '1s';
export const MAX_INTERVAL_TEXT = '168h';

/** The JSON Schema pattern of an interval (the bounds are checked in code). */
export const DURATION_PATTERN = '^([0-9]+h)?([0-9]+m)?([0-9]+s)?$';

/** Why `text` is not a usable interval, or undefined when it is. */
export function describeDurationProblem(text: string): string | undefined {
  const match = DURATION.exec(text);
  if (text === '' || match === null) {
    return `invalid duration "${text}"; expected hours, minutes and seconds such as 30s, 15m, 1h or 1h30m`;
  }
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  const ms = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * SECOND;
  if (ms < MIN_INTERVAL_MS) return `interval "${text}" is too short; use at least 1s`;
  if (ms > MAX_INTERVAL_MS) return `interval "${text}" is longer than 168h; use a cron schedule for rarer checks`;
  return undefined;
}

/**
 * Parses an interval such as `30s`, `15m`, `1h` or `1h30m` into milliseconds.
 * @throws ValidationError when the text is not such a duration or lies outside 1s..168h.
 */
export function parseDuration(text: string): number {
  const problem = describeDurationProblem(text);
  if (problem !== undefined) {
    throw new ValidationError(problem, [{ message: problem, severity: 'error' }]);
  }
  const [, hours = '0', minutes = '0', seconds = '0'] = DURATION.exec(text) ?? [];
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * SECOND;
}

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 7 is Sunday as well, as in Vixie cron.
  { name: 'day of week', min: 0, max: 7, names: WEEKDAYS },
];

/** A loose shape check for editors; {@link describeCronProblem} does the real validation. */
export const CRON_PATTERN = '^\\S+(\\s+\\S+){4}$';

/** Numbers (leading zeros allowed, as Number() reads them) within each field's range. */
const CRON_NUMBERS: Readonly<Record<string, string>> = {
  minute: '0*[1-5]?[0-9]',
  hour: '0*(1?[0-9]|2[0-3])',
  'day of month': '0*([1-9]|[12][0-9]|3[01])',
  month: '0*([1-9]|1[0-2])',
  'day of week': '0*[0-7]',
};

/** `jan` as `[jJ][aA][nN]`: Go's RE2 and JavaScript differ on inline flags, so no `(?i)`. */
function anyCase(word: string): string {
  return [...word].map((c) => `[${c}${c.toUpperCase()}]`).join('');
}

function cronFieldPattern(field: CronField): string {
  const value = `(${[CRON_NUMBERS[field.name] ?? '[0-9]+', ...(field.names ?? []).map(anyCase)].join('|')})`;
  const item = `(\\*|${value}(-${value})?)(/0*[1-9][0-9]*)?`;
  return `${item}(,${item})*`;
}

/**
 * The cron syntax {@link describeCronProblem} accepts, as one regular expression valid in both
 * JavaScript and Go (RE2): for the CRD, where no code runs. It checks each field's values and
 * names but not that a range runs forwards (`5-2`); the controller's validation catches that.
 */
export const CRON_STRICT_PATTERN = `^\\s*${CRON_FIELDS.map(cronFieldPattern).join('\\s+')}\\s*$`;

/**
 * Why `expression` is not a standard 5-field cron expression (minute hour day-of-month month
 * day-of-week; lists, ranges, steps and month/weekday names), or undefined when it is.
 */
export function describeCronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return `invalid cron expression "${expression}"; expected 5 fields (minute hour day-of-month month day-of-week), e.g. "0 */6 * * *"`;
  }
  for (const [index, field] of CRON_FIELDS.entries()) {
    const problem = describeCronFieldProblem(fields[index] ?? '', field);
    if (problem !== undefined) return `invalid cron expression "${expression}": ${problem}`;
  }
  return undefined;
}

function describeCronFieldProblem(text: string, field: CronField): string | undefined {
  for (const item of text.split(',')) {
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined || (step !== undefined && (!/^\d+$/.test(step) || Number(step) === 0))) {
      return `${field.name} "${text}" has an invalid step; expected e.g. */5`;
    }
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `${field.name} "${text}" is not a value, range or list`;
    const values = bounds.map((bound) => cronValue(bound, field));
    if (values.some((value) => value === undefined)) {
      return `${field.name} "${text}" is out of range; expected ${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
    }
    const [low = 0, high = low] = values as number[];
    if (high < low) return `${field.name} range "${range}" runs backwards`;
  }
  return undefined;
}

function cronValue(text: string, field: CronField): number | undefined {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    return value >= field.min && value <= field.max ? value : undefined;
  }
  const index = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (index < 0) return undefined;
  return field.names === MONTHS ? index + 1 : index;
}
