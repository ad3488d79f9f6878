import type { Command } from 'commander';
import { findStaleIntentArtifacts, writeIntentArtifacts } from '../../controller/intents/index.ts';
import { packageRoot } from '../../controller/package-root/index.ts';
import { ExitCode } from '../context.ts';
import type { CliContext } from '../context.ts';

export interface GenerateOptions {
  readonly check?: boolean;
  /** Folder the generated paths (schema/, crds/) are relative to; the repository root by default. */
  readonly out?: string;
}

/**
 * Writes the files generated from the intent schema (schema/intent.schema.json, crds/*.yaml),
 * or with `check` only compares them and fails naming the stale ones.
 * @throws ExitCode(1) when `check` finds stale or missing files.
 */
export async function runGenerate(options: GenerateOptions, ctx: Pick<CliContext, 'out' | 'err'>): Promise<void> {
  const root = options.out ?? packageRoot();
  if (options.check) {
    const stale = await findStaleIntentArtifacts(root);
    if (stale.length > 0) {
      ctx.err.write(`stale generated files (run npm run generate):\n${stale.map((path) => `  ${path}\n`).join('')}`);
      throw new ExitCode(1);
    }
    ctx.out.write('generated files are up to date\n');
    return;
  }
  for (const { path, changed } of await writeIntentArtifacts(root)) {
    ctx.out.write(`${changed ? 'wrote    ' : 'unchanged'} ${path}\n`);
  }
}

export function registerGenerateCommand(program: Command, ctx: CliContext): void {
  program
    .command('generate')
    .description('Generate the intent JSON Schema (schema/) and Kubernetes CRDs (crds/) from the zod schema')
    .option('--check', 'only compare; exit 1 naming the files that are stale')
    .option('--out <dir>', 'root folder to write schema/ and crds/ under (default: the repository root)')
    .action(async (options: GenerateOptions) => {
      await runGenerate(options, ctx);
    });
}
