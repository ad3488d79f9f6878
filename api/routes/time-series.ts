import { ValidationError } from '../../controller/errors/index.ts';

/** Querystring of the time-series routes (drift history, process outcomes). */
export const timeSeriesQuerystring = {
  from: { type: 'string', format: 'date-time', description: 'start; default 24 hours before `to`' },
  to: { type: 'string', format: 'date-time', description: 'end; default now' },
  buckets: { type: 'integer', minimum: 1, maximum: 500, default: 48, description: 'equal time buckets between from and to' },
} as const;

const DAY_MS = 24 * 3600 * 1000;
/** Longer ranges would make buckets too coarse to read and the queries scan years of rows. */
const MAX_RANGE_MS = 400 * DAY_MS;

/**
 * The range and buckets of a time-series request with its defaults applied.
 * @throws ValidationError when from is not before to, or the range is longer than 400 days.
 */
export function timeRange(query: { readonly from?: string; readonly to?: string; readonly buckets: number }): { from: Date; to: Date; buckets: number } {
  const to = query.to !== undefined ? new Date(query.to) : new Date();
  const from = query.from !== undefined ? new Date(query.from) : new Date(to.getTime() - DAY_MS);
  if (!(from.getTime() < to.getTime()))
    throw new ValidationError('invalid time range: "from" must be before "to"', [
      { path: 'querystring.from', message: 'must be before "to"', severity: 'error' },
    ]);
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw new ValidationError('invalid time range: at most 400 days', [
      { path: 'querystring.from', message: 'at most 400 days before "to"', severity: 'error' },
    ]);
  }
  return { from, to, buckets: query.buckets };
}
