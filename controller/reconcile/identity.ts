import { createHash } from 'node:crypto';
import type { TemplateKind } from '../catalogue/index.ts';
import type { Endpoint } from '../netbox/index.ts';
import type { IntentRef } from '../resolve/index.ts';
import type { ObjectKind } from './types.ts';

/** Tag on every object the controller created or adopted; prune never touches objects without it. */
export const OWNER_TAG = { name: 'netbox-gitops', slug: 'netbox-gitops', color: '2196f3', description: 'Managed by netbox-gitops' } as const;

/** Tags of this form record which intents own an object (`nbg-vendorset-core`). */
export const INTENT_TAG_PREFIX = 'nbg-';

/** `VendorSet/core-vendors` — how plans and audit rows name an intent. */
export function formatIntentRef(ref: IntentRef): string {
  return `${ref.kind}/${ref.name}`;
}

/** The ownership tag of one intent; NetBox slugs are at most 100 characters. */
export function intentTag(ref: IntentRef): { name: string; slug: string } {
  const base = `${INTENT_TAG_PREFIX}${ref.kind.toLowerCase()}-${ref.name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-')}`;
  const slug = base.length <= 100 ? base : `${base.slice(0, 87)}-${createHash('sha256').update(base).digest('hex').slice(0, 12)}`;
  return { name: `gitops: ${formatIntentRef(ref)}`.slice(0, 100), slug };
}

export function typeIdentity(manufacturerSlug: string, model: string): string {
  return `${manufacturerSlug}/${model}`;
}

export function templateIdentity(parentIdentity: string, name: string): string {
  return `${parentIdentity}/${name}`;
}

export function templateObjectKind(kind: TemplateKind): ObjectKind {
  return `${kind}-template`;
}

/** The NetBox endpoints of component templates. */
export type TemplateEndpoint = `${TemplateKind}-templates` & Endpoint;

/** NetBox REST endpoint (under /api/dcim/) of each template kind. */
export function templateEndpoint(kind: TemplateKind): TemplateEndpoint {
  return `${kind}-templates`;
}

/** NetBox endpoint an object kind is written to (images go to their device type). */
export function endpointOf(kind: ObjectKind): Endpoint {
  if (kind === 'tag') return 'tags';
  if (kind === 'manufacturer') return 'manufacturers';
  if (kind === 'device-type' || kind === 'image') return 'device-types';
  if (kind === 'module-type') return 'module-types';
  return `${kind}s`;
}
