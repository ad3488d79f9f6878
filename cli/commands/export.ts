import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { loadLibraryValidators } from '../../controller/catalogue/index.ts';
import { formatIssue } from '../../controller/errors/index.ts';
import { exportTypes } from '../../controller/onboarding/index.ts';
import { netBoxPortFor } from '../../controller/reconcile/index.ts';
import { ExitCode } from '../context.ts';
import type { CliContext } from '../context.ts';
import { loadLibraryFor, netBoxClientFor } from './onboarding-common.ts';

interface ExportOptions {
  readonly manufacturer: string;
  readonly model?: string;
  readonly out: string;
  readonly library?: string;
  readonly images: boolean;
  readonly json?: boolean;
}

/** `netbox-gitops export`: NetBox's types of one manufacturer as devicetype-library files. */
export function registerExportCommand(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description(
      "write NetBox's device and module types of one manufacturer as devicetype-library files (device-types/, module-types/, elevation-images/), " +
        "checked with the library's own JSON Schemas; types the library already has keep its file name and layout",
    )
    .requiredOption('--manufacturer <name>', 'manufacturer name or slug in NetBox')
    .option('--model <model>', 'only this device or module type (model or slug)')
    .requiredOption('--out <dir>', 'folder to write into, laid out like the library')
    .option('--library <dir>', 'devicetype-library folder: its schemas check the files, its layout is kept (default: LIBRARY_PATH)')
    .option('--no-images', 'do not download elevation images')
    .option('--json', 'machine-readable output')
    .action(async (options: ExportOptions) => {
      const catalogue = await loadLibraryFor(ctx, options.library);
      const validators = await loadLibraryValidators(catalogue.root);
      const client = netBoxClientFor(ctx);
      try {
        const result = await exportTypes(netBoxPortFor(client), {
          manufacturer: options.manufacturer,
          ...(options.model !== undefined ? { model: options.model } : {}),
          validators,
          catalogue,
          images: options.images,
          concurrency: ctx.config().netbox.concurrency,
        });
        for (const file of result.files) {
          const target = path.join(options.out, file.path);
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, file.content);
        }
        if (options.json) {
          ctx.out.write(
            `${JSON.stringify(
              { manufacturer: result.manufacturer, files: result.files.map(({ content: _content, ...rest }) => rest), invalid: result.invalid },
              null,
              2,
            )}\n`,
          );
        } else {
          for (const file of result.files) {
            ctx.out.write(`wrote ${file.path}${file.replaces ? ' (updates the library file)' : file.kind === 'image' ? '' : ' (new)'}\n`);
            for (const w of file.warnings) ctx.out.write(`  warning: ${w}\n`);
            for (const l of file.losses) ctx.out.write(`  not written: ${l.field} = ${JSON.stringify(l.value)} (${l.reason})\n`);
          }
          const yaml = result.files.filter((f) => f.kind !== 'image').length;
          ctx.out.write(`${yaml} files valid against the library's schemas, ${result.files.length - yaml} images, written to ${options.out}\n`);
        }
        for (const bad of result.invalid) for (const issue of bad.issues) ctx.err.write(`error: ${formatIssue(issue)}\n`);
        if (result.invalid.length > 0) {
          ctx.err.write(`${result.invalid.length} types do not pass the library's schemas and were not written\n`);
          throw new ExitCode(1);
        }
      } finally {
        await client.close();
      }
    });
}
