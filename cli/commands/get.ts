// `netbox-gitops get [KIND]`: the intents of every source (Git, folder, Kubernetes) with
// Ready, Mode, Drift and Age, read from the intent store, as `kubectl get` lays them out.
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { createPool } from '../../controller/db/index.ts';
import type { IntentKind } from '../../controller/intents/index.ts';
import { formatAge, kindNamed, renderTable } from '../../controller/kubernetes/index.ts';
import { describeReadiness, readIntentStates } from '../../controller/workflow/index.ts';
import type { CliContext } from '../context.ts';

interface GetOptions {
  readonly output?: 'wide' | 'json';
}

function kind(value: string): IntentKind {
  const found = kindNamed(value);
  if (found === undefined) throw new InvalidArgumentError('expects VendorSet or DeviceTypeSet (or vendorsets, vs, devicetypesets, dts)');
  return found;
}

/** Registers `netbox-gitops get`. */
export function registerGetCommand(program: Command, ctx: CliContext): void {
  program
    .command('get')
    .description('list intents from every source with Ready, Mode, Drift and Age (from the intent store)')
    .argument('[kind]', 'only this kind: VendorSet or DeviceTypeSet (vs, dts)', kind)
    .addOption(new Option('-o, --output <format>', 'wide adds source, reason and message; json prints everything').choices(['wide', 'json']))
    .action(async (only: IntentKind | undefined, options: GetOptions) => {
      const config = ctx.config();
      const pool = createPool(config.database, { applicationName: 'netbox-gitops-cli', logger: ctx.logger() });
      try {
        const states = (await readIntentStates(pool)).filter((state) => only === undefined || state.kind === only);
        const rows = states.map((state) => ({ state, readiness: describeReadiness(state) }));
        if (options.output === 'json') {
          ctx.out.write(
            `${JSON.stringify(
              rows.map(({ state, readiness }) => ({ ...state, ready: readiness })),
              null,
              2,
            )}\n`,
          );
          return;
        }
        if (rows.length === 0) {
          ctx.out.write('no intents\n');
          return;
        }
        const now = Date.now();
        const wide = options.output === 'wide';
        const header = ['KIND', 'NAME', 'READY', 'MODE', 'DRIFT', 'AGE', ...(wide ? ['SOURCE', 'STATUS', 'REASON', 'MESSAGE'] : [])];
        ctx.out.write(
          renderTable(
            header,
            rows.map(({ state, readiness }) => [
              state.kind,
              state.name,
              readiness.ready,
              state.mode,
              String(state.driftTotal),
              formatAge(now - Date.parse(state.createdAt)),
              ...(wide ? [state.source, state.status, readiness.reason, readiness.message] : []),
            ]),
          ),
        );
      } finally {
        await pool.end();
      }
    });
}
