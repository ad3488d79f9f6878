// JSON Schemas of the REST API's bodies. They validate requests, serialise responses (fast and
// without leaking fields that are not listed) and generate the OpenAPI document at /api/docs.
import { PROCESS_STATUSES, STEP_STATUSES } from '../controller/workflow/index.ts';
import { ROLES } from '../controller/auth/index.ts';
import { NOTIFICATION_EVENTS } from '../controller/config/index.ts';
import { errorSchema } from './errors.ts';

const nullableString = { type: ['string', 'null'] } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
const jsonObject = { type: 'object', additionalProperties: true } as const;
const anyJson = {} as const;

const intentRef = {
  type: ['object', 'null'],
  required: ['kind', 'name'],
  properties: { kind: { type: 'string' }, name: { type: 'string' } },
} as const;

const processError = {
  type: ['object', 'null'],
  description: 'Why the process or step failed: error class, code, message, whether a retry may help, the step, and details such as NetBox field messages',
  additionalProperties: true,
  properties: {
    type: { type: 'string' },
    code: nullableString,
    message: { type: 'string' },
    transient: { type: 'boolean' },
    step: nullableString,
    details: anyJson,
  },
} as const;

const processProperties = {
  id: { type: 'string', format: 'uuid' },
  workflowId: { type: 'string', format: 'uuid' },
  workflowName: { type: 'string' },
  status: { type: 'string', enum: [...PROCESS_STATUSES] },
  intent: intentRef,
  correlationId: nullableString,
  createdBy: { ...nullableString, description: 'The audit user: the API token name, or the component that started the process' },
  form: jsonObject,
  state: jsonObject,
  currentStep: nullableString,
  libraryRevision: nullableString,
  intentRevision: nullableString,
  error: processError,
  attempts: { type: 'integer' },
  eventSeq: { type: 'integer', description: 'Number of the latest event of the process: events with a higher seq are newer than this record' },
  createdAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
  startedAt: nullableDateTime,
  completedAt: nullableDateTime,
} as const;

const processRequired = Object.keys(processProperties);

export const processSchema = {
  $id: 'Process',
  type: 'object',
  description: 'A workflow execution',
  required: processRequired,
  properties: processProperties,
} as const;

export const stepSchema = {
  $id: 'ProcessStep',
  type: 'object',
  description: 'One attempt of one step of a process',
  required: ['id', 'processId', 'name', 'position', 'status', 'attempt', 'input', 'output', 'errorMessage', 'error', 'startedAt', 'completedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    processId: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    position: { type: 'integer' },
    status: { type: 'string', enum: [...STEP_STATUSES] },
    attempt: { type: 'integer' },
    input: jsonObject,
    output: jsonObject,
    errorMessage: nullableString,
    error: processError,
    startedAt: nullableDateTime,
    completedAt: nullableDateTime,
  },
} as const;

export const processDetailSchema = {
  $id: 'ProcessDetail',
  type: 'object',
  description: 'A process with its step attempts (by position, then attempt) and the number of its audit rows',
  required: [...processRequired, 'steps', 'auditCount'],
  properties: {
    ...processProperties,
    steps: { type: 'array', items: { $ref: 'ProcessStep#' } },
    auditCount: { type: 'integer' },
  },
} as const;

export const workflowEventSchema = {
  $id: 'WorkflowEvent',
  type: 'object',
  description: 'One recorded change of a process; seq numbers the events of a process 1, 2, 3... in commit order',
  required: ['type', 'seq', 'processId', 'at'],
  properties: {
    type: { type: 'string', enum: ['process.created', 'process.updated', 'process.finished', 'step.updated', 'drift.changed'] },
    seq: { type: 'integer', minimum: 1 },
    processId: { type: 'string', format: 'uuid' },
    workflow: { type: 'string' },
    status: { type: 'string', description: 'The process status (process.*) or the step status (step.updated)' },
    step: {
      type: 'object',
      required: ['name', 'position', 'attempt', 'status'],
      properties: {
        name: { type: 'string' },
        position: { type: 'integer' },
        attempt: { type: 'integer' },
        status: { type: 'string', enum: [...STEP_STATUSES] },
      },
    },
    intent: intentRef,
    at: { type: 'string', format: 'date-time' },
  },
} as const;

export const processPageSchema = {
  $id: 'ProcessPage',
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: { $ref: 'Process#' } },
    nextCursor: { ...nullableString, description: 'Pass as `cursor` for the next (older) page; null on the last page' },
  },
} as const;

export const workflowSchema = {
  $id: 'Workflow',
  type: 'object',
  required: ['id', 'name', 'target', 'description', 'formSchema', 'steps', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    target: { type: 'string' },
    description: { type: 'string' },
    formSchema: { ...jsonObject, description: 'JSON Schema (draft 2020-12) of the form POST /workflows/{name} takes' },
    steps: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const auditSchema = {
  $id: 'AuditRecord',
  type: 'object',
  description: 'One NetBox change made by a process',
  required: [
    'id',
    'processId',
    'action',
    'objectKind',
    'objectIdentity',
    'netboxId',
    'before',
    'after',
    'details',
    'intent',
    'correlationId',
    'userId',
    'timestamp',
  ],
  properties: {
    id: { type: 'string', format: 'uuid' },
    processId: nullableString,
    action: { type: 'string' },
    objectKind: nullableString,
    objectIdentity: nullableString,
    netboxId: { type: ['integer', 'null'] },
    before: anyJson,
    after: anyJson,
    details: anyJson,
    intent: intentRef,
    correlationId: nullableString,
    userId: nullableString,
    timestamp: { type: 'string', format: 'date-time' },
  },
} as const;

export const auditPageSchema = {
  $id: 'AuditPage',
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: { $ref: 'AuditRecord#' } }, nextCursor: nullableString },
} as const;

const driftCounts = {
  type: 'object',
  description: 'Drift rows by action (create, update, delete, unmanaged, blocked, extra); absent actions are 0',
  additionalProperties: { type: 'integer' },
} as const;

const intentProperties = {
  kind: { type: 'string' },
  name: { type: 'string' },
  source: { type: 'string' },
  revision: nullableString,
  mode: { type: 'string', enum: ['observe', 'enforce'] },
  status: { type: 'string', enum: ['active', 'removed', 'suspended', 'invalid'] },
  statusMessage: nullableString,
  drift: driftCounts,
  driftTotal: { type: 'integer' },
  lastReconcileAt: nullableDateTime,
  lastProcess: {
    type: ['object', 'null'],
    required: ['id', 'status', 'completedAt'],
    properties: { id: { type: 'string' }, status: { type: 'string' }, completedAt: nullableDateTime },
  },
  ready: {
    type: 'object',
    description:
      'Like a Kubernetes Ready condition: True when the last reconcile succeeded, False when it failed or the intent is invalid or removed, Unknown while suspended, running or never reconciled',
    required: ['status', 'reason', 'message'],
    properties: { status: { type: 'string', enum: ['True', 'False', 'Unknown'] }, reason: { type: 'string' }, message: { type: 'string' } },
  },
  interval: { ...nullableString, description: 'spec.interval of the periodic drift check (null when a cron schedule is set)' },
  schedule: { ...nullableString, description: 'spec.schedule, a 5-field cron expression in UTC' },
  suspendedBy: { ...nullableString, description: 'Who suspended the intent through the API (null when not, or when suspended by spec.suspend)' },
  suspendedAt: nullableDateTime,
  nextCheckAt: {
    ...nullableDateTime,
    description: 'When the next scheduled drift check is due (null when not scheduled, or when the controller has not scheduled it yet)',
  },
  createdAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
} as const;

export const intentSummarySchema = {
  $id: 'IntentSummary',
  type: 'object',
  required: Object.keys(intentProperties),
  properties: intentProperties,
} as const;

export const driftRowSchema = {
  $id: 'DriftRow',
  type: 'object',
  required: ['objectKind', 'identity', 'action', 'diff', 'reason', 'firstSeen', 'lastSeen'],
  properties: {
    objectKind: { type: 'string' },
    identity: { type: 'string', description: 'manufacturer slug, `vendor/model` (types), `vendor/model/name` (templates)' },
    action: { type: 'string', description: 'create, update, delete, extra, unmanaged, blocked (and any action the engine adds later)' },
    diff: { type: 'object', description: 'field -> {before, after}', additionalProperties: true },
    reason: { ...nullableString, description: 'Why the object is unmanaged or blocked' },
    firstSeen: { type: 'string', format: 'date-time' },
    lastSeen: { type: 'string', format: 'date-time' },
  },
} as const;

export const intentDetailSchema = {
  $id: 'IntentDetail',
  type: 'object',
  required: [...Object.keys(intentProperties), 'spec', 'revisions', 'driftRows', 'driftTruncated', 'recentProcesses'],
  properties: {
    ...intentProperties,
    spec: { ...jsonObject, description: 'The intent document as loaded from its source' },
    revisions: {
      type: 'array',
      description: 'Newest first (at most 20)',
      items: {
        type: 'object',
        required: ['revision', 'source', 'recordedAt', 'spec'],
        properties: { revision: { type: 'string' }, source: { type: 'string' }, recordedAt: { type: 'string', format: 'date-time' }, spec: jsonObject },
      },
    },
    driftRows: { type: 'array', items: { $ref: 'DriftRow#' } },
    driftTruncated: { type: 'boolean', description: 'More drift rows exist than driftLimit' },
    recentProcesses: { type: 'array', items: { $ref: 'Process#' } },
  },
} as const;

export const driftSummarySchema = {
  $id: 'DriftSummary',
  type: 'object',
  required: ['total', 'byAction', 'byObjectKind', 'intents'],
  properties: {
    total: { type: 'integer' },
    byAction: driftCounts,
    byObjectKind: {
      type: 'array',
      items: {
        type: 'object',
        required: ['objectKind', 'action', 'count'],
        properties: { objectKind: { type: 'string' }, action: { type: 'string' }, count: { type: 'integer' } },
      },
    },
    intents: {
      type: 'array',
      description: 'Intents with drift, most drift first',
      items: {
        type: 'object',
        required: ['kind', 'name', 'mode', 'status', 'drift', 'driftTotal', 'lastReconcileAt'],
        properties: {
          kind: { type: 'string' },
          name: { type: 'string' },
          mode: { type: 'string' },
          status: { type: 'string' },
          drift: driftCounts,
          driftTotal: { type: 'integer' },
          lastReconcileAt: nullableDateTime,
        },
      },
    },
  },
} as const;

export const driftPageSchema = {
  $id: 'DriftPage',
  type: 'object',
  required: ['items', 'nextCursor', 'total'],
  properties: {
    items: { type: 'array', items: { $ref: 'DriftRow#' } },
    nextCursor: { ...nullableString, description: 'Pass as `cursor` for the next page; null on the last page' },
    total: { type: 'integer', description: "All of the intent's drift rows (ignoring the filters)" },
  },
} as const;

export const driftHistorySchema = {
  $id: 'DriftHistory',
  type: 'object',
  required: ['from', 'to', 'points'],
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    points: {
      type: 'array',
      description: "One point per bucket: the sum of every intent's latest drift counts at the bucket's end",
      items: {
        type: 'object',
        required: ['at', 'total', 'byAction'],
        properties: { at: { type: 'string', format: 'date-time' }, total: { type: 'integer' }, byAction: driftCounts },
      },
    },
  },
} as const;

export const processOutcomesSchema = {
  $id: 'ProcessOutcomes',
  type: 'object',
  required: ['from', 'to', 'buckets'],
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    buckets: {
      type: 'array',
      description: 'Processes created in each bucket, by status',
      items: {
        type: 'object',
        required: ['from', 'to', 'byStatus', 'total'],
        properties: {
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          byStatus: { type: 'object', additionalProperties: { type: 'integer' } },
          total: { type: 'integer' },
        },
      },
    },
  },
} as const;

export const principalSchema = {
  $id: 'Principal',
  type: 'object',
  description: 'The caller: the token name and role (what the dashboard enables)',
  required: ['name', 'role', 'authDisabled', 'permissions'],
  properties: {
    name: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    authDisabled: { type: 'boolean', description: 'AUTH_DISABLED=true: every request acts as admin' },
    permissions: {
      type: 'object',
      required: ['read', 'operate', 'admin'],
      properties: {
        read: { type: 'boolean' },
        operate: { type: 'boolean', description: 'start, cancel, retry, reconcile, suspend, resume' },
        admin: { type: 'boolean', description: 'manage tokens' },
      },
    },
  },
} as const;

export const libraryVendorsSchema = {
  $id: 'LibraryVendors',
  type: 'object',
  required: ['revision', 'items'],
  properties: {
    revision: { type: 'string', description: 'devicetype-library revision' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'slug', 'deviceTypes', 'moduleTypes'],
        properties: { name: { type: 'string' }, slug: { type: 'string' }, deviceTypes: { type: 'integer' }, moduleTypes: { type: 'integer' } },
      },
    },
  },
} as const;

export const deviceTypePreviewSchema = {
  $id: 'DeviceTypePreview',
  type: 'object',
  description: 'The device types task_import_device_types would import for a vendor and filter',
  required: ['revision', 'vendor', 'filter', 'count', 'moduleTypes', 'items', 'truncated'],
  properties: {
    revision: { type: 'string' },
    vendor: { type: 'object', required: ['name', 'slug'], properties: { name: { type: 'string' }, slug: { type: 'string' } } },
    filter: nullableString,
    count: { type: 'integer', description: 'All matching device types' },
    moduleTypes: { type: 'integer', description: 'Module types the import brings along' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['model', 'slug', 'partNumber'],
        properties: { model: { type: 'string' }, slug: { type: 'string' }, partNumber: nullableString },
      },
    },
    truncated: { type: 'boolean', description: 'items holds the first `limit` of `count`' },
  },
} as const;

export const tokenSchema = {
  $id: 'Token',
  type: 'object',
  description: 'An API token as listed: its display prefix only, never the token',
  required: ['id', 'name', 'role', 'prefix', 'createdAt', 'lastUsedAt', 'revokedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    prefix: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    lastUsedAt: nullableDateTime,
    revokedAt: nullableDateTime,
  },
} as const;

const actionCounts = { type: 'object', description: 'Operations by action (create, update, delete, ...)', additionalProperties: { type: 'integer' } } as const;

export const libraryUpgradeSchema = {
  $id: 'LibraryUpgrade',
  type: 'object',
  description: 'A devicetype-library revision newer than the one an intent pins, previewed and not applied ("upgrade available")',
  required: ['id', 'intent', 'fromRevision', 'toRevision', 'status', 'effect', 'changes', 'processId', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    intent: { type: 'object', required: ['kind', 'name'], properties: { kind: { type: 'string' }, name: { type: 'string' } } },
    fromRevision: { type: 'string', description: 'the revision the intent uses (its pin)' },
    toRevision: { type: 'string', description: 'the newer revision upstream' },
    status: { type: 'string', enum: ['available', 'superseded'], description: 'superseded: a newer revision was previewed since' },
    effect: {
      type: 'object',
      description: 'What taking the upgrade would do to the intent',
      additionalProperties: true,
      properties: {
        intent: { type: 'string' },
        from: { type: 'string' },
        planAtNew: actionCounts,
        introduced: actionCounts,
        resolved: { type: 'integer' },
        sample: { type: 'array', items: { type: 'string' } },
        error: { type: 'string' },
      },
    },
    changes: {
      ...jsonObject,
      description: "The library's own changes between the two revisions: files added, removed, renamed, models whose templates changed",
    },
    processId: { ...nullableString, description: 'the preview_library_upgrade process that recorded it' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const libraryUpgradePageSchema = {
  $id: 'LibraryUpgradePage',
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: { $ref: 'LibraryUpgrade#' } },
    nextCursor: { ...nullableString, description: 'Pass as `cursor` for the next (older) page; null on the last page' },
  },
} as const;

export const notificationDeliverySchema = {
  $id: 'NotificationDelivery',
  type: 'object',
  description: 'One notification for one channel in the delivery log',
  required: ['id', 'channel', 'eventType', 'intent', 'event', 'status', 'attempts', 'nextAttemptAt', 'lastStatus', 'lastError', 'createdAt', 'deliveredAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    channel: { type: 'string', description: '`env` for NOTIFY_WEBHOOK_URL, else the Notification resource' },
    eventType: { type: 'string', enum: [...NOTIFICATION_EVENTS, 'test'] },
    intent: intentRef,
    event: { ...jsonObject, description: 'The event as a JSON webhook receives it (type, at, summary, intent, processId, details); never secrets' },
    status: { type: 'string', enum: ['pending', 'delivered', 'failed', 'suppressed'], description: "suppressed: over the channel's rate limit, not sent" },
    attempts: { type: 'integer' },
    nextAttemptAt: nullableDateTime,
    lastStatus: { type: ['integer', 'null'], description: "the receiver's last HTTP status" },
    lastError: { ...nullableString, description: 'why the last attempt failed (never the URL)' },
    createdAt: { type: 'string', format: 'date-time' },
    deliveredAt: nullableDateTime,
  },
} as const;

export const notificationDeliveryPageSchema = {
  $id: 'NotificationDeliveryPage',
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: { $ref: 'NotificationDelivery#' } },
    nextCursor: { ...nullableString, description: 'Pass as `cursor` for the next (older) page; null on the last page' },
  },
} as const;

/** Shared schemas, added to the app so routes can `$ref` them and OpenAPI lists them as components. */
export const SHARED_SCHEMAS = [
  errorSchema,
  processSchema,
  stepSchema,
  processDetailSchema,
  processPageSchema,
  workflowEventSchema,
  workflowSchema,
  auditSchema,
  auditPageSchema,
  intentSummarySchema,
  driftRowSchema,
  intentDetailSchema,
  driftSummarySchema,
  driftPageSchema,
  driftHistorySchema,
  processOutcomesSchema,
  principalSchema,
  libraryVendorsSchema,
  deviceTypePreviewSchema,
  tokenSchema,
  libraryUpgradeSchema,
  libraryUpgradePageSchema,
  notificationDeliverySchema,
  notificationDeliveryPageSchema,
] as const;

/** `$ref` of a shared schema. */
export function ref(id: (typeof SHARED_SCHEMAS)[number]['$id']): { readonly $ref: string } {
  return { $ref: `${id}#` };
}

/** Error responses a route may give, all with the one error body (`ErrorBody`, api/errors.ts). */
export function errorResponses(...codes: readonly number[]): Record<number, { readonly $ref: string; readonly description: string }> {
  const descriptions: Record<number, string> = {
    401: 'missing, unknown or revoked token',
    403: "the token's role is too weak",
    404: 'not found',
    409: 'conflict with the current state',
    413: 'request body too large',
    422: 'invalid input; details.issues lists each field',
    429: 'rate limited',
    503: 'a dependency is not available (e.g. the devicetype-library is not loaded)',
    502: 'a dependency (Redis, NetBox) failed',
  };
  return Object.fromEntries(codes.map((code) => [code, { ...ref('Error'), description: descriptions[code] ?? 'error' }]));
}
