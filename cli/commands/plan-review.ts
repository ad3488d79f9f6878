// What `plan` adds for review: the output format (text, markdown, json).
import { Option } from 'commander';
import { PLAN_FORMATS } from '../../controller/report/index.ts';

/** `--format text|markdown|json`. */
export function planFormatOption(): Option {
  return new Option('--format <format>', 'text (the terminal diff), markdown (a pull-request comment under 65,536 characters) or json').choices(PLAN_FORMATS).default('text');
}
