import { mkdir, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { netBoxPortFor } from '../../controller/reconcile/index.ts';
import { formatSummaryTable, generateIntents, GENERATED_MARKER, readInventory, renderMarkdown } from '../../controller/onboarding/index.ts';
import type { CliContext } from '../context.ts';
import { loadLibraryFor, netBoxClientFor, seconds } from './onboarding-common.ts';

interface InitOptions {
  readonly out: string;
  readonly library?: string;
  readonly prefix: string;
  readonly mode: 'observe' | 'enforce';
  readonly json?: boolean;
}

export const REPORT_JSON = 'onboarding-report.json';
export const REPORT_MARKDOWN = 'onboarding-report.md';

/** Intent files in `dir` (not recursive): init's own (by its marker line) and the others. */
async function existingIntentFiles(dir: string): Promise<{ generated: string[]; other: string[] }> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const generated: string[] = [];
  const other: string[] = [];
  for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => '');
    (text.startsWith(GENERATED_MARKER) ? generated : other).push(name);
  }
  return { generated, other };
}

/** `netbox-gitops init`: intents that describe what NetBox holds, and the onboarding report. */
export function registerInitCommand(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description(
      "read NetBox's manufacturers, device and module types (NETBOX_URL, NETBOX_TOKEN) and write intents that describe them: " +
        'library references where NetBox matches the devicetype-library, custom definitions in the library format where not; ' +
        'print a summary and write the full report (JSON and Markdown) beside them',
    )
    .requiredOption('--out <dir>', 'folder to write the intent files and the report to (created if missing)')
    .option('--library <dir>', 'devicetype-library folder (default: LIBRARY_PATH)')
    .option('--prefix <name>', 'prefix of the intent names', 'onboarded')
    .addOption(new Option('--mode <mode>', 'mode written into the intents').choices(['observe', 'enforce']).default('observe'))
    .option('--json', 'print the report as JSON instead of the summary table')
    .action(async (options: InitOptions) => {
      const client = netBoxClientFor(ctx);
      try {
        const started = performance.now();
        const [catalogue, inventory] = await Promise.all([loadLibraryFor(ctx, options.library), readInventory(netBoxPortFor(client))]);
        const read = performance.now() - started;
        const requests = client.requestCount();
        const { files, report } = generateIntents(inventory, catalogue, { prefix: options.prefix, mode: options.mode });

        await mkdir(options.out, { recursive: true });
        const before = await existingIntentFiles(options.out);
        const writing = new Set(files.map((f) => f.path));
        // init's own files from an earlier run that this run does not write (a manufacturer gone, a prefix changed) go.
        for (const name of before.generated) if (!writing.has(name)) await unlink(path.join(options.out, name));
        for (const file of files) await writeFile(path.join(options.out, file.path), file.content);
        await writeFile(path.join(options.out, REPORT_JSON), `${JSON.stringify(report, null, 2)}\n`);
        await writeFile(path.join(options.out, REPORT_MARKDOWN), renderMarkdown(report));

        if (options.json) {
          ctx.out.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          ctx.out.write(`${formatSummaryTable(report)}\n\n`);
          ctx.out.write(
            `Read ${inventory.manufacturers.length} manufacturers, ${inventory.deviceTypes.length} device types and ${inventory.moduleTypes.length} module types ` +
              `from NetBox ${inventory.netboxVersion} in ${requests} requests (${seconds(read)} with the library load).\n`,
          );
          ctx.out.write(
            `Wrote ${files.length} intent files (mode: ${options.mode}) to ${options.out}; full report: ${path.join(options.out, REPORT_MARKDOWN)} and ${REPORT_JSON}.\n`,
          );
          const others = before.other.filter((name) => !writing.has(name));
          if (others.length > 0) {
            ctx.err.write(`note: ${options.out} also holds ${others.join(', ')}; validate, plan and adopt load them together with the generated intents\n`);
          }
          ctx.out.write(
            `Next: review the files, then \`netbox-gitops validate --intents ${options.out}\` and \`netbox-gitops adopt --intents ${options.out} --dry-run\`.\n`,
          );
        }
      } finally {
        await client.close();
      }
    });
}
