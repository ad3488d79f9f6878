import type { Command } from 'commander';
import type { CliContext } from '../context.ts';

/** Adds one command (its options, arguments, subcommands and action) to the program. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** A top-level command as `netbox-gitops --help` lists it, and how to load the real thing. */
export interface CommandEntry {
  /** The name, followed by its arguments as commander declares them, e.g. `run <workflow>`. */
  readonly usage: string;
  /** One line for the command list of `netbox-gitops --help`. */
  readonly summary: string;
  /** Imports the command's module (and with it everything the command uses). */
  readonly load: () => Promise<RegisterCommand>;
}

/**
 * Every top-level command, one line each, in `--help` order. Command modules are imported only
 * when that command runs or shows its own help, so `--version`, `--help` and each command load
 * just what they use (a static import of a command module here would undo that). A new command:
 * its own file exporting a RegisterCommand, and one line here.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    usage: 'validate',
    summary: 'check intent files against the schema and the devicetype-library',
    load: async () => (await import('./validate.ts')).registerValidateCommand,
  },
  {
    usage: 'resolve',
    summary: 'print what the intents ask for (counts per kind and vendor, or --json)',
    load: async () => (await import('./resolve.ts')).registerResolveCommand,
  },
  { usage: 'plan', summary: 'read NetBox and print what the intents would change', load: async () => (await import('./plan.ts')).registerPlanCommand },
  {
    usage: 'apply [planFile]',
    summary: 'show the plan, confirm, apply it to NetBox and verify',
    load: async () => (await import('./apply.ts')).registerApplyCommand,
  },
  {
    usage: 'init',
    summary: 'write intents that describe what an existing NetBox holds, and the onboarding report',
    load: async () => (await import('./init.ts')).registerInitCommand,
  },
  {
    usage: 'adopt',
    summary: 'take ownership of the NetBox objects the intents match (tags only; --dry-run shows what)',
    load: async () => (await import('./adopt.ts')).registerAdoptCommand,
  },
  {
    usage: 'export',
    summary: "write NetBox's types of a manufacturer as devicetype-library files",
    load: async () => (await import('./export.ts')).registerExportCommand,
  },
  {
    usage: 'generate',
    summary: 'write (or --check) the intent JSON Schema and the CRDs',
    load: async () => (await import('./generate.ts')).registerGenerateCommand,
  },
  {
    usage: 'emulator',
    summary: 'run a NetBox emulator (not NetBox) for tests and demos',
    load: async () => (await import('./emulator.ts')).registerEmulatorCommand,
  },
  {
    usage: 'migrate',
    summary: 'bring the Postgres schema to the latest migration (or --to N)',
    load: async () => (await import('./migrate.ts')).registerMigrateCommand,
  },
  { usage: 'worker', summary: 'run workflow processes from the queue until stopped', load: async () => (await import('./worker.ts')).registerWorkerCommand },
  { usage: 'run <workflow>', summary: 'start a workflow and follow its steps', load: async () => (await import('./run.ts')).registerRunCommand },
  { usage: 'processes', summary: 'list workflow processes, newest first', load: async () => (await import('./processes.ts')).registerProcessesCommand },
  {
    usage: 'process <id>',
    summary: 'show one process: status, steps and the NetBox changes it made',
    load: async () => (await import('./process.ts')).registerProcessCommand,
  },
  {
    usage: 'controller',
    summary: 'sync intents from a folder, Git or Kubernetes custom resources and schedule reconciles until stopped',
    load: async () => (await import('./controller.ts')).registerControllerCommand,
  },
  {
    usage: 'reconcile <kind/name>',
    summary: 'reconcile a VendorSet/DeviceTypeSet custom resource now (sets its reconcile-requested-at annotation)',
    load: async () => (await import('./reconcile.ts')).registerReconcileCommand,
  },
  {
    usage: 'get [kind]',
    summary: 'list intents of every source with Ready, Mode, Drift and Age',
    load: async () => (await import('./get.ts')).registerGetCommand,
  },
  {
    usage: 'api',
    summary: 'serve the REST and GraphQL API, health, metrics and the Git webhook',
    load: async () => (await import('./api.ts')).registerApiCommand,
  },
  { usage: 'token', summary: 'create, list and revoke API tokens', load: async () => (await import('./token.ts')).registerTokenCommand },
  {
    usage: 'notify',
    summary: 'send a test notification to every channel, or list the delivery log',
    load: async () => (await import('./notify.ts')).registerNotifyCommand,
  },
];

/** The command name of an entry: the first word of its usage. */
export function commandName(entry: CommandEntry): string {
  return entry.usage.split(' ')[0] as string;
}
