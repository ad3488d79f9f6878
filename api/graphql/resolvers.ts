import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { roleAllows } from '../../controller/auth/index.ts';
import type { Role, TokenPrincipal } from '../../controller/auth/index.ts';
import { INTENT_KINDS } from '../../controller/intents/index.ts';
import type { IntentKind } from '../../controller/intents/index.ts';
import { isUuid } from '../../controller/workflow/index.ts';
import type { ProcessFilter, ProcessRecord, ProcessStatus, StepRecord, WorkflowEvent, WorkflowInfo } from '../../controller/workflow/index.ts';
import type { RouteContext } from '../context.ts';
import { AuthenticationError, ForbiddenError, NotFoundError } from '../errors.ts';
import { getIntent, getIntentDocument, intentExists, listIntents, summariseDrift } from '../../controller/store/index.ts';
import type { DriftCounts, IntentSummary } from '../../controller/store/index.ts';
import { ALL_EVENTS, processTopic } from './pubsub.ts';
import { DateTimeScalar, JsonScalar } from './scalars.ts';

declare module 'mercurius' {
  /** What every resolver gets besides mercurius's own context (set by the context functions of registerGraphql). */
  interface MercuriusContext {
    /** The authenticated caller; null on a WebSocket whose token has not been checked. */
    readonly principal: TokenPrincipal | null;
    readonly correlationId: string;
  }
}

export type GraphqlContext = MercuriusContext;

function authorize(ctx: GraphqlContext, role: Role): TokenPrincipal {
  const principal = ctx.principal;
  if (!principal)
    throw new AuthenticationError(
      'This needs an API token: send "Authorization: Bearer <token>" (HTTP) or {"authorization": "Bearer <token>"} in connection_init (WebSocket).',
    );
  if (!roleAllows(principal.role, role)) throw new ForbiddenError(principal.role, role);
  return principal;
}

interface ProcessArgs {
  readonly status?: string;
  readonly workflow?: string;
  readonly intentKind?: string;
  readonly intentName?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

function processFilter(args: ProcessArgs): ProcessFilter {
  return {
    ...(args.status ? { status: args.status.toLowerCase() as ProcessStatus } : {}),
    ...(args.workflow ? { workflow: args.workflow } : {}),
    ...(args.intentKind ? { intentKind: args.intentKind } : {}),
    ...(args.intentName ? { intentName: args.intentName } : {}),
    ...(args.from ? { from: args.from } : {}),
    ...(args.to ? { to: args.to } : {}),
    ...(args.limit !== undefined ? { limit: args.limit } : {}),
    ...(args.cursor ? { cursor: args.cursor } : {}),
  };
}

const countsList = (counts: DriftCounts): { action: string; count: number }[] =>
  Object.entries(counts)
    .map(([action, count]) => ({ action, count }))
    .sort((a, b) => a.action.localeCompare(b.action));

function intentKind(kind: string): IntentKind {
  if (!(INTENT_KINDS as readonly string[]).includes(kind))
    throw new NotFoundError(`There is no intent kind "${kind}"; the kinds are ${INTENT_KINDS.join(', ')}.`);
  return kind as IntentKind;
}

/** The resolvers of SCHEMA over the workflow service and the intent tables. */
export function createResolvers(route: RouteContext): IResolvers {
  const { workflows, pool } = route.deps;
  return {
    DateTime: DateTimeScalar,
    JSON: JsonScalar,
    Query: {
      workflows: async (_root: unknown, _args: unknown, ctx: GraphqlContext) => {
        authorize(ctx, 'viewer');
        return workflows.listWorkflows();
      },
      workflow: async (_root: unknown, args: { name: string }, ctx: GraphqlContext) => {
        authorize(ctx, 'viewer');
        return (await workflows.listWorkflows()).find((w) => w.name === args.name) ?? null;
      },
      processes: async (_root: unknown, args: ProcessArgs, ctx: GraphqlContext) => {
        authorize(ctx, 'viewer');
        return (await workflows.listProcesses(processFilter(args))).items;
      },
      processPage: async (_root: unknown, args: ProcessArgs, ctx: GraphqlContext) => {
        authorize(ctx, 'viewer');
        return workflows.listProcesses(processFilter(args));
      },
      process: async (_root: unknown, args: { id: string }, ctx: GraphqlContext) => {
        authorize(ctx, 'viewer');
        return (await workflows.getProcess(args.id)) ?? null;
      },
      processEvents: async (_root: unknown, args: { processId: string; after?: number; limit?: number }, ctx: GraphqlContext) => {
        authorize(ctx, 'viewer');
        return workflows.listEvents(args.processId, { afterSeq: Math.max(args.after ?? 0, 0), limit: args.limit ?? 100 });
      },
      intents: async (_root: unknown, args: { kind?: string; status?: string }, ctx: GraphqlContext) => {
        authorize(ctx, 'viewer');
        return listIntents(pool, { ...(args.kind ? { kind: args.kind } : {}), ...(args.status ? { status: args.status } : {}) });
      },
      intent: async (_root: unknown, args: { kind: string; name: string }, ctx: GraphqlContext) => {
        authorize(ctx, 'viewer');
        return (await getIntent(pool, args.kind, args.name, 0)) ?? null;
      },
      drift: async (_root: unknown, args: { kind?: string }, ctx: GraphqlContext) => {
        authorize(ctx, 'viewer');
        return summariseDrift(pool, args.kind ? { kind: args.kind } : {});
      },
    },
    Mutation: {
      startWorkflow: async (_root: unknown, args: { name: string; formData: unknown }, ctx: GraphqlContext) => {
        const principal = authorize(ctx, 'operator');
        return workflows.startWorkflow(args.name, args.formData ?? {}, { correlationId: ctx.correlationId, createdBy: principal.name });
      },
      cancelProcess: async (_root: unknown, args: { id: string }, ctx: GraphqlContext) => {
        const principal = authorize(ctx, 'operator');
        await workflows.cancelProcess(args.id, principal.name, { correlationId: ctx.correlationId });
        return true;
      },
      retryProcess: async (_root: unknown, args: { id: string }, ctx: GraphqlContext) => {
        const principal = authorize(ctx, 'operator');
        return workflows.retryProcess(args.id, principal.name, { correlationId: ctx.correlationId });
      },
      reconcileIntent: async (_root: unknown, args: { kind: string; name: string }, ctx: GraphqlContext) => {
        const principal = authorize(ctx, 'operator');
        const kind = intentKind(args.kind);
        if (!(await intentExists(pool, kind, args.name))) throw new NotFoundError(`There is no ${kind} named "${args.name}".`);
        return workflows.requestReconcile({ kind, name: args.name }, { correlationId: ctx.correlationId, createdBy: principal.name });
      },
    },
    Subscription: {
      processUpdates: {
        subscribe: async (_root: unknown, args: { processId: string }, ctx: GraphqlContext) => {
          authorize(ctx, 'viewer');
          if (!isUuid(args.processId) || !(await workflows.getProcess(args.processId)))
            throw new NotFoundError(`There is no process with id ${args.processId}.`);
          return ctx.pubsub.subscribe(processTopic(args.processId));
        },
        resolve: async (event: WorkflowEvent) => {
          const process = event.processId ? await workflows.getProcess(event.processId) : undefined;
          if (!process) throw new NotFoundError(`Process ${event.processId ?? ''} disappeared.`);
          return process;
        },
      },
      workflowEvents: {
        subscribe: async (_root: unknown, _args: unknown, ctx: GraphqlContext) => {
          authorize(ctx, 'viewer');
          return ctx.pubsub.subscribe(ALL_EVENTS);
        },
        resolve: (event: WorkflowEvent) => event,
      },
    },
    Workflow: {
      processes: async (workflow: WorkflowInfo, args: { status?: string; limit?: number }) =>
        (
          await workflows.listProcesses(
            processFilter({
              workflow: workflow.name,
              ...(args.status ? { status: args.status } : {}),
              ...(args.limit !== undefined ? { limit: args.limit } : {}),
            }),
          )
        ).items,
    },
    Process: {
      status: (p: ProcessRecord) => p.status.toUpperCase(),
      formData: (p: ProcessRecord) => p.form,
    },
    ProcessStep: {
      stepName: (s: StepRecord) => s.name,
      status: (s: StepRecord) => s.status.toUpperCase(),
      inputData: (s: StepRecord) => s.input,
      outputData: (s: StepRecord) => s.output,
    },
    StepEvent: {
      status: (s: NonNullable<WorkflowEvent['step']>) => s.status.toUpperCase(),
    },
    Intent: {
      drift: (i: IntentSummary) => countsList(i.drift),
      spec: async (i: IntentSummary & { spec?: unknown }) => {
        if (i.spec !== undefined) return i.spec;
        return getIntentDocument(pool, i.kind, i.name);
      },
      driftRows: async (i: IntentSummary, args: { limit?: number }) =>
        (await getIntent(pool, i.kind, i.name, Math.min(Math.max(args.limit ?? 100, 0), 10_000)))?.driftRows ?? [],
      processes: async (i: IntentSummary, args: { limit?: number }) =>
        (await workflows.listProcesses({ intentKind: i.kind, intentName: i.name, limit: args.limit ?? 10 })).items,
    },
    IntentDrift: {
      drift: (i: { drift: DriftCounts }) => countsList(i.drift),
    },
    DriftSummary: {
      byAction: (s: { byAction: DriftCounts }) => countsList(s.byAction),
    },
  };
}

/** Batches `Process.steps` of a list of processes into one query (processes from getProcess carry theirs). */
export function createLoaders(route: RouteContext): MercuriusLoaders {
  return {
    Process: {
      steps: async (queries: { obj: ProcessRecord & { steps?: readonly StepRecord[] } }[]) => {
        const missing = queries.filter((q) => q.obj.steps === undefined).map((q) => q.obj.id);
        const fetched = await route.deps.workflows.getSteps(missing);
        return queries.map((q) => q.obj.steps ?? fetched.get(q.obj.id) ?? []);
      },
    },
  };
}
