// `netbox-gitops reconcile KIND/NAME`: asks the Kubernetes source for a reconcile now by setting
// the annotation netbox-gitops.io/reconcile-requested-at on the custom resource (like
// `flux reconcile`), in-cluster or through the kubeconfig; with --wait, follows its status.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { IntentKind } from '../../controller/intents/index.ts';
import {
  RECONCILE_REQUESTED_ANNOTATION,
  RECONCILING,
  createKubernetesApi,
  kindNamed,
  loadKubeConfig,
  printResources,
  readyOf,
} from '../../controller/kubernetes/index.ts';
import type { IntentResource } from '../../controller/kubernetes/index.ts';
import { ExitCode } from '../context.ts';
import type { CliContext } from '../context.ts';

interface ReconcileOptions {
  readonly namespace?: string;
  readonly wait?: boolean;
  readonly timeout: number;
}

function target(value: string): { kind: IntentKind; name: string } {
  const [kindText = '', name, ...rest] = value.split('/');
  const kind = kindNamed(kindText);
  if (kind === undefined || !name || rest.length > 0) {
    throw new InvalidArgumentError('expects KIND/NAME, e.g. DeviceTypeSet/datacenter-switches or dts/datacenter-switches');
  }
  return { kind, name };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('expects a number of seconds');
  return n;
}

/** Registers `netbox-gitops reconcile`. */
export function registerReconcileCommand(program: Command, ctx: CliContext): void {
  program
    .command('reconcile')
    .description(`reconcile a VendorSet or DeviceTypeSet custom resource now: sets ${RECONCILE_REQUESTED_ANNOTATION} (the Kubernetes source acts on it)`)
    .argument('<kind/name>', 'e.g. DeviceTypeSet/datacenter-switches (kubectl names work too: dts/datacenter-switches)', target)
    .option('-n, --namespace <namespace>', "namespace of the resource (default WATCH_NAMESPACE, else the kubeconfig context's)")
    .option('--wait', 'wait until the controller has handled the request and print the result (exit 1 unless Ready)')
    .option('--timeout <seconds>', 'how long --wait waits', seconds, 300)
    .action(async (ref: { kind: IntentKind; name: string }, options: ReconcileOptions) => {
      const config = ctx.config();
      const kubeConfig = loadKubeConfig({
        ...(config.kubernetes.kubeconfig ? { kubeconfig: config.kubernetes.kubeconfig } : {}),
        inCluster: config.kubernetes.inCluster,
      });
      const api = createKubernetesApi(kubeConfig);
      const contextNamespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;
      const namespace = options.namespace ?? config.kubernetes.watchNamespace ?? contextNamespace ?? 'default';
      const existing = await api.get(ref.kind, namespace, ref.name);
      if (existing === undefined) {
        ctx.err.write(
          `error: ${ref.kind} ${namespace}/${ref.name} not found (intents from Git or a folder are reconciled with \`netbox-gitops run reconcile_intent --form '{"kind":"${ref.kind}","name":"${ref.name}"}'\`)\n`,
        );
        throw new ExitCode(1);
      }
      const requestedAt = new Date().toISOString();
      await api.patchMetadata(ref.kind, namespace, ref.name, { annotations: { [RECONCILE_REQUESTED_ANNOTATION]: requestedAt } });
      ctx.out.write(`${ref.kind} ${namespace}/${ref.name}: reconcile requested at ${requestedAt}\n`);
      if (!options.wait) return;
      const deadline = Date.now() + options.timeout * 1000;
      let resource: IntentResource | undefined = existing;
      for (;;) {
        resource = await api.get(ref.kind, namespace, ref.name);
        const handled = resource?.status?.lastHandledReconcileAt === requestedAt;
        const busy = resource?.status?.conditions?.some((c) => c.type === RECONCILING) === true;
        if (resource === undefined || (handled && !busy)) break;
        if (Date.now() > deadline) {
          ctx.err.write(`error: not handled within ${options.timeout} s; is a controller with --source kubernetes running for namespace ${namespace}?\n`);
          throw new ExitCode(1);
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      if (resource === undefined) {
        ctx.err.write(`error: ${ref.kind} ${namespace}/${ref.name} was deleted\n`);
        throw new ExitCode(1);
      }
      ctx.out.write(printResources(ref.kind, [resource]));
      const ready = readyOf(resource.status);
      ctx.out.write(`${ready?.reason ?? ''}: ${ready?.message ?? ''}\n`);
      if (ready?.status !== 'True') throw new ExitCode(1);
    });
}
