import type { FastifyInstance } from 'fastify';
import type { OnboardingReport, TypeReport } from '../../controller/onboarding/index.ts';
import { ResourceError } from '../../controller/errors/index.ts';
import type { RouteContext } from '../context.ts';
import { errorResponses } from '../schemas.ts';

const CLASSIFICATIONS = ['identical', 'differs', 'templates', 'renamed', 'not-in-library'] as const;
const anyJson = {} as const;
const difference = {
  type: 'object',
  required: ['field', 'netbox', 'library'],
  properties: { field: { type: 'string' }, netbox: anyJson, library: anyJson },
} as const;
const counts = (keys: readonly string[]) =>
  ({ type: 'object', required: keys, properties: Object.fromEntries(keys.map((k) => [k, { type: 'integer' }])) }) as const;

const typeReportSchema = {
  type: 'object',
  description: 'One NetBox device or module type against its library counterpart (differences read NetBox → library)',
  required: [
    'kind',
    'netboxId',
    'manufacturer',
    'manufacturerName',
    'model',
    'classification',
    'fields',
    'templates',
    'counts',
    'owned',
    'ownedBy',
    'notExpressible',
  ],
  properties: {
    kind: { type: 'string', enum: ['device-type', 'module-type'] },
    netboxId: { type: 'integer' },
    manufacturer: { type: 'string', description: 'manufacturer slug' },
    manufacturerName: { type: 'string' },
    model: { type: 'string' },
    slug: { type: 'string' },
    classification: { type: 'string', enum: [...CLASSIFICATIONS] },
    library: {
      type: 'object',
      required: ['file', 'manufacturer', 'model', 'matchedBy'],
      properties: {
        file: { type: 'string' },
        manufacturer: { type: 'string' },
        model: { type: 'string' },
        slug: { type: 'string' },
        matchedBy: { type: 'string', enum: ['model', 'slug', 'part-number'] },
      },
    },
    fields: { type: 'array', items: difference },
    templates: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'name', 'change'],
        properties: {
          kind: { type: 'string' },
          name: { type: 'string' },
          change: { type: 'string', enum: ['missing', 'extra', 'differs'] },
          fields: { type: 'array', items: difference },
        },
      },
    },
    counts: counts(['same', 'differing', 'missing', 'extra']),
    owned: { type: 'boolean' },
    ownedBy: { type: 'array', items: { type: 'string' } },
    intent: { type: 'object', required: ['intent', 'as'], properties: { intent: { type: 'string' }, as: { type: 'string', enum: ['library', 'custom'] } } },
    notExpressible: { type: 'array', items: { type: 'string' } },
  },
} as const;

const manufacturerReportSchema = {
  type: 'object',
  required: ['netboxId', 'name', 'slug', 'classification', 'fields', 'deviceTypes', 'moduleTypes', 'owned', 'ownedBy'],
  properties: {
    netboxId: { type: 'integer' },
    name: { type: 'string' },
    slug: { type: 'string' },
    classification: { type: 'string', enum: ['identical', 'differs', 'not-in-library'] },
    library: { type: 'object', required: ['name', 'slug'], properties: { name: { type: 'string' }, slug: { type: 'string' } } },
    fields: { type: 'array', items: difference },
    deviceTypes: { type: 'integer' },
    moduleTypes: { type: 'integer' },
    owned: { type: 'boolean' },
    ownedBy: { type: 'array', items: { type: 'string' } },
    intent: { type: 'object', required: ['intent', 'as'], properties: { intent: { type: 'string' }, as: { type: 'string', enum: ['library', 'custom'] } } },
  },
} as const;

const byClassification = counts(CLASSIFICATIONS);
const ROW_COUNTS = ['types', 'identical', 'differs', 'templates', 'renamed', 'notInLibrary', 'owned'] as const;

const responseSchema = {
  type: 'object',
  required: ['generatedAt', 'durationMs', 'report'],
  properties: {
    generatedAt: { type: 'string', format: 'date-time', description: 'when NetBox was read (reports are cached for a few minutes)' },
    durationMs: { type: 'number', description: 'how long reading NetBox and classifying took' },
    report: {
      type: 'object',
      required: ['formatVersion', 'netboxVersion', 'libraryRevision', 'summary', 'manufacturers', 'deviceTypes', 'moduleTypes'],
      properties: {
        formatVersion: { type: 'integer' },
        netboxVersion: { type: 'string' },
        libraryRevision: { type: 'string' },
        summary: {
          type: 'object',
          required: ['manufacturers', 'deviceTypes', 'moduleTypes', 'owned', 'rows'],
          properties: {
            manufacturers: { type: 'integer' },
            deviceTypes: byClassification,
            moduleTypes: byClassification,
            owned: { type: 'integer' },
            rows: {
              type: 'array',
              description: 'the summary table: one row per manufacturer',
              items: {
                type: 'object',
                required: ['manufacturer', ...ROW_COUNTS],
                properties: { manufacturer: { type: 'string' }, ...Object.fromEntries(ROW_COUNTS.map((k) => [k, { type: 'integer' }])) },
              },
            },
          },
        },
        manufacturers: { type: 'array', items: manufacturerReportSchema },
        deviceTypes: { type: 'array', items: typeReportSchema },
        moduleTypes: { type: 'array', items: typeReportSchema },
      },
    },
  },
} as const;

interface OnboardingQuery {
  readonly refresh?: boolean;
  readonly manufacturer?: string;
  readonly classification?: (typeof CLASSIFICATIONS)[number];
}

/** GET /onboarding: the onboarding report `netbox-gitops init` writes, for the dashboard and scripts. */
export async function onboardingRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get<{ Querystring: OnboardingQuery }>(
    '/onboarding',
    {
      schema: {
        tags: ['onboarding'],
        summary:
          "What NetBox's catalogue holds against the devicetype-library: per type identical, differs, extra/missing templates, renamed or not in the library",
        description:
          'The report `netbox-gitops init` prints and writes. Reading all of NetBox takes a while, so a report is kept for a few minutes; ' +
          '`refresh=true` reads NetBox again (concurrent requests share one read). `manufacturer` and `classification` narrow the type lists, not the summary.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            refresh: { type: 'boolean', default: false },
            manufacturer: { type: 'string', maxLength: 100, description: 'manufacturer slug' },
            classification: { type: 'string', enum: [...CLASSIFICATIONS] },
          },
        },
        response: { 200: responseSchema, ...errorResponses(401, 403, 422, 429, 502, 503) },
      },
    },
    async (request) => {
      const source = ctx.deps.onboarding;
      if (!source) throw new ResourceError('the onboarding report (no NetBox or library configured for the API)', 'onboarding');
      const { manufacturer, classification, refresh } = request.query;
      const result = await source.get({ refresh: refresh === true });
      const keep = (t: TypeReport): boolean =>
        (manufacturer === undefined || t.manufacturer === manufacturer.toLowerCase()) && (classification === undefined || t.classification === classification);
      const report: OnboardingReport = {
        ...result.report,
        deviceTypes: result.report.deviceTypes.filter(keep),
        moduleTypes: result.report.moduleTypes.filter(keep),
      };
      return { generatedAt: result.generatedAt, durationMs: result.durationMs, report };
    },
  );
}
