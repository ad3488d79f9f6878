/**
 * The `Notification` resource: an outgoing notification channel kept beside the intents (in
 * the intents folder or Git repository, or applied as a custom resource). Secrets never sit in
 * the file: a URL that is itself a secret (Slack, Teams) and the signing key are named by
 * `urlFrom.secret` / `signingSecretFrom.secret` and read from NOTIFY_SECRET_<NAME>.
 */
import { z } from 'zod';
import { NOTIFICATION_EVENTS, NOTIFICATION_FORMATS } from '../config/index.ts';
import { openApiSchema, toStructuralSchema } from './crd.ts';
import { INTENT_API_VERSION, INTENT_GROUP, INTENT_VERSION, IntentMetadataSchema } from './schema.ts';
import { DURATION_PATTERN, describeDurationProblem } from './schedule.ts';

export const NOTIFICATION_KIND = 'Notification';

/** The NAME of NOTIFY_SECRET_<NAME>. */
const secretRef = z
  .strictObject({
    secret: z
      .string()
      .regex(/^[A-Z0-9_]{1,100}$/, { error: 'expected the NAME of an environment variable NOTIFY_SECRET_<NAME>: upper-case letters, digits and "_"' })
      .describe('NAME of the variable NOTIFY_SECRET_<NAME> that holds the value.'),
  })
  .describe('A secret from the environment of the controller and workers (in Kubernetes: a Secret mapped to NOTIFY_SECRET_<NAME>).');

/** `Kind/name`, where the name may use `*` as a wildcard. */
const INTENT_SELECTOR = /^(VendorSet|DeviceTypeSet|\*)\/[a-z0-9*.-]{1,253}$/;

export const NotificationSpecSchema = z
  .strictObject({
    format: z
      .enum(NOTIFICATION_FORMATS)
      .default('json')
      .describe('json: a generic JSON webhook (HMAC-SHA256 signed when a signing secret is set); slack; teams.'),
    url: z
      .string()
      .max(2000)
      .regex(/^https?:\/\/\S+$/, { error: 'expected an http(s):// URL' })
      .optional()
      .describe('Where to POST. A Slack or Teams webhook URL is a secret itself: prefer urlFrom.'),
    urlFrom: secretRef.optional(),
    signingSecretFrom: secretRef.optional().describe('Key of the X-NetBox-GitOps-Signature header (HMAC-SHA256 of timestamp "." body).'),
    events: z
      .array(z.enum(NOTIFICATION_EVENTS))
      .min(1)
      .optional()
      .describe(`Events this channel receives (default all): ${NOTIFICATION_EVENTS.join(', ')}.`),
    intents: z
      .array(z.string().regex(INTENT_SELECTOR, { error: 'expected Kind/name, e.g. DeviceTypeSet/lab-* (* matches any characters)' }))
      .optional()
      .describe('Only events of these intents (Kind/name, * as a wildcard); default every intent.'),
    rateLimit: z
      .strictObject({
        max: z.int().min(0).max(1000).describe('Notifications per event type and intent in the window; 0 turns the limit off.'),
        per: z
          .string()
          .regex(new RegExp(DURATION_PATTERN), { error: 'expected a duration such as 30s, 15m, 1h', abort: true })
          .superRefine((text, ctx) => {
            const problem = describeDurationProblem(text);
            if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: text });
          })
          .describe('The window, e.g. 15m.'),
      })
      .optional()
      .describe('So a flapping intent does not flood the channel (default: NOTIFY_RATE_LIMIT, 3 per 15m); notifications over it are logged as suppressed.'),
    suspend: z.boolean().default(false).describe('Send nothing through this channel until set back to false.'),
  })
  .superRefine((spec, ctx) => {
    if ((spec.url === undefined) === (spec.urlFrom === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'set exactly one of url and urlFrom' });
    }
  });

export const NotificationSchema = z
  .strictObject({
    apiVersion: z.literal(INTENT_API_VERSION),
    kind: z.literal(NOTIFICATION_KIND),
    metadata: IntentMetadataSchema,
    spec: NotificationSpecSchema,
    status: z.unknown().optional(),
  })
  .describe('An outgoing notification channel: a JSON webhook, Slack or Microsoft Teams, with event filters and a rate limit.');

export type NotificationResource = z.output<typeof NotificationSchema>;
export type NotificationSpec = z.output<typeof NotificationSpecSchema>;

/** The CustomResourceDefinition of Notification, from the same zod schema. */
export function renderNotificationCrd(): Record<string, unknown> {
  const source = openApiSchema(NotificationSchema);
  const spec = toStructuralSchema((source.properties as Record<string, Record<string, unknown>>).spec as Record<string, unknown>, 'spec');
  spec['x-kubernetes-validations'] = [{ rule: 'has(self.url) != has(self.urlFrom)', message: 'set exactly one of url and urlFrom' }];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `notifications.${INTENT_GROUP}`, labels: { 'app.kubernetes.io/part-of': 'netbox-gitops' } },
    spec: {
      group: INTENT_GROUP,
      names: {
        kind: NOTIFICATION_KIND,
        listKind: `${NOTIFICATION_KIND}List`,
        plural: 'notifications',
        singular: 'notification',
        shortNames: ['nbgn'],
        categories: ['netbox-gitops'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: INTENT_VERSION,
          served: true,
          storage: true,
          additionalPrinterColumns: [
            { name: 'Format', type: 'string', jsonPath: '.spec.format' },
            { name: 'Suspended', type: 'boolean', jsonPath: '.spec.suspend' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              description: source.description,
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { description: INTENT_API_VERSION, type: 'string' },
                kind: { description: NOTIFICATION_KIND, type: 'string' },
                metadata: { type: 'object' },
                spec,
              },
            },
          },
        },
      ],
    },
  };
}
