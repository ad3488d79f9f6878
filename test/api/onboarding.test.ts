import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIBRARY_PATH, loadLibrary } from '../helpers/library.ts';
import { EXPECTED, seedOnboardingNetBox } from '../helpers/onboarding.ts';
import { startApi } from './helpers.ts';
import type { ApiFixture } from './helpers.ts';

interface ReportBody {
  generatedAt: string;
  report: {
    netboxVersion: string;
    summary: { manufacturers: number; rows: { manufacturer: string; types: number }[]; deviceTypes: Record<string, number> };
    deviceTypes: {
      manufacturer: string;
      model: string;
      classification: string;
      fields: { field: string; netbox: unknown; library: unknown }[];
      intent?: { as: string };
    }[];
    moduleTypes: { manufacturer: string; model: string; classification: string }[];
  };
}

let api: ApiFixture;
let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(tmpdir(), 'nbg-api-onboarding-'));
  api = await startApi({}, { LIBRARY_PATH, CACHE_DIR: cacheDir });
  await seedOnboardingNetBox(api.nb.api, await loadLibrary());
}, 60_000);
afterAll(async () => {
  await api?.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('GET /api/v1/onboarding', () => {
  it('needs a token, and a viewer may read it', async () => {
    expect((await api.request(null, { url: '/api/v1/onboarding' })).statusCode).toBe(401);
    const response = await api.request('viewer', { url: '/api/v1/onboarding' });
    expect(response.statusCode).toBe(200);
    const body = response.json<ReportBody>();
    expect(body.report.netboxVersion).toBe('4.5.10');
    expect(body.report.summary.manufacturers).toBe(5);
    const byIdentity = new Map([...body.report.deviceTypes, ...body.report.moduleTypes].map((t) => [`${t.manufacturer}/${t.model}`, t.classification]));
    for (const identity of EXPECTED.identical) expect(byIdentity.get(identity), identity).toBe('identical');
    for (const identity of EXPECTED.differs) expect(byIdentity.get(identity), identity).toBe('differs');
    for (const identity of EXPECTED.notInLibrary) expect(byIdentity.get(identity), identity).toBe('not-in-library');
    const edited = body.report.deviceTypes.find((t) => t.model === 'EX2300-24P');
    expect(edited?.fields).toContainEqual({ field: 'u_height', netbox: 2, library: 1 });
    expect(edited?.intent?.as).toBe('custom');
  }, 60_000);

  it('serves the cached report, reads NetBox again on refresh, and narrows the lists by manufacturer and classification', async () => {
    const before = api.nb.emulator.stats().requests.total;
    const cached = (await api.request('viewer', { url: '/api/v1/onboarding' })).json<ReportBody>();
    expect(api.nb.emulator.stats().requests.total).toBe(before);
    const refreshed = (await api.request('viewer', { url: '/api/v1/onboarding?refresh=true' })).json<ReportBody>();
    expect(api.nb.emulator.stats().requests.total).toBeGreaterThan(before);
    expect(Date.parse(refreshed.generatedAt)).toBeGreaterThanOrEqual(Date.parse(cached.generatedAt));

    const narrowed = (await api.request('viewer', { url: '/api/v1/onboarding?manufacturer=juniper&classification=renamed' })).json<ReportBody>();
    expect(narrowed.report.deviceTypes.map((t) => t.model).sort()).toEqual(['EX2200-24T', 'EX2300 24-port mGig']);
    expect(narrowed.report.summary.rows.length).toBe(5);
    expect((await api.request('viewer', { url: '/api/v1/onboarding?classification=bogus' })).statusCode).toBe(422);
  }, 60_000);

  it('is described in the OpenAPI document', async () => {
    const doc = (await api.app.inject({ url: '/api/docs/json' })).json<{
      paths: Record<string, { get?: { tags?: string[]; responses?: Record<string, unknown> } }>;
    }>();
    const route = doc.paths['/api/v1/onboarding']?.get;
    expect(route?.tags).toEqual(['onboarding']);
    expect(Object.keys(route?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '503']));
  });
});
