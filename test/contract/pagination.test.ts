import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixtures } from './fixtures.ts';
import type { Named, Page } from './fixtures.ts';
import { atLeast, connectTarget } from './target.ts';
import type { Target } from './target.ts';

const TEMPLATES = 1005;

describe('contract: pagination', () => {
  let target: Target;
  let fx: Fixtures;
  let deviceType: Named;
  let filter: string;

  beforeAll(async () => {
    target = await connectTarget();
    fx = new Fixtures(target);
    const manufacturer = await fx.manufacturer();
    deviceType = await fx.deviceType(manufacturer, 'paged');
    filter = `${atLeast(target, '4.1') ? 'device_type_id' : 'devicetype_id'}=${deviceType.id}`;
    const bodies = Array.from({ length: TEMPLATES }, (_, i) => ({ device_type: deviceType.id, name: `port${i + 1}`, type: '1000base-t' }));
    await fx.createMany('/api/dcim/interface-templates/', bodies, { cascaded: true });
  });
  afterAll(async () => {
    await fx?.cleanup();
    await target?.close();
  });

  it('answers with count/next/previous/results and absolute links with the parameters sorted', async () => {
    const reply = await target.call<Page>('GET', `/api/dcim/interface-templates/?${filter}&limit=2`);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['count', 'next', 'previous', 'results']);
    expect(reply.body.count).toBe(TEMPLATES);
    expect(reply.body.results).toHaveLength(2);
    expect(reply.body.previous).toBeNull();
    const next = new URL(reply.body.next ?? '');
    expect(next.pathname).toBe('/api/dcim/interface-templates/');
    expect([...next.searchParams.keys()]).toEqual([...next.searchParams.keys()].sort());
    expect(next.searchParams.get('limit')).toBe('2');
    expect(next.searchParams.get('offset')).toBe('2');
  });

  it('follows next links through pages without gaps or repeats, in natural name order', async () => {
    const names: string[] = [];
    let url: string | null = `/api/dcim/interface-templates/?${filter}&limit=400`;
    let pages = 0;
    while (url) {
      const reply: { status: number; body: Page } = await target.call<Page>('GET', url.startsWith('http') ? new URL(url).pathname + new URL(url).search : url);
      expect(reply.status).toBe(200);
      names.push(...reply.body.results.map((r) => String(r.name)));
      url = reply.body.next;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(names).toHaveLength(TEMPLATES);
    expect(new Set(names).size).toBe(TEMPLATES);
    expect(names.slice(0, 3)).toEqual(['port1', 'port2', 'port3']);
    expect(names.at(-1)).toBe(`port${TEMPLATES}`);
  });

  it('drops offset from the previous link of the second page', async () => {
    const reply = await target.call<Page>('GET', `/api/dcim/interface-templates/?${filter}&limit=10&offset=10`);
    const previous = new URL(reply.body.previous ?? '');
    expect(previous.searchParams.get('limit')).toBe('10');
    expect(previous.searchParams.has('offset')).toBe(false);
    const third = await target.call<Page>('GET', `/api/dcim/interface-templates/?${filter}&limit=10&offset=25`);
    expect(new URL(third.body.previous ?? '').searchParams.get('offset')).toBe('15');
  });

  it('has no next link on the last page and an empty page past the end', async () => {
    const last = await target.call<Page>('GET', `/api/dcim/interface-templates/?${filter}&limit=10&offset=${TEMPLATES - 5}`);
    expect(last.body.results).toHaveLength(5);
    expect(last.body.next).toBeNull();
    const beyond = await target.call<Page>('GET', `/api/dcim/interface-templates/?${filter}&limit=10&offset=${TEMPLATES + 50}`);
    expect(beyond.status).toBe(200);
    expect(beyond.body.count).toBe(TEMPLATES);
    expect(beyond.body.results).toEqual([]);
  });

  it('pages 50 objects by default', async () => {
    const reply = await target.call<Page>('GET', `/api/dcim/interface-templates/?${filter}`);
    expect(reply.body.results).toHaveLength(50);
    expect(new URL(reply.body.next ?? '').searchParams.get('limit')).toBe('50');
  });

  it('caps the page size at MAX_PAGE_SIZE (1000 by default), also for limit=0', async () => {
    const big = await target.call<Page>('GET', `/api/dcim/interface-templates/?${filter}&limit=5000`);
    expect(big.body.results).toHaveLength(1000);
    expect(new URL(big.body.next ?? '').searchParams.get('limit')).toBe('1000');
    const zero = await target.call<Page>('GET', `/api/dcim/interface-templates/?${filter}&limit=0`);
    expect(zero.body.results).toHaveLength(1000);
  });
});
