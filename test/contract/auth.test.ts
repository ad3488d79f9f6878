import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atLeast, connectTarget } from './target.ts';
import type { Target } from './target.ts';

describe('contract: token authentication', () => {
  let target: Target;

  beforeAll(async () => {
    target = await connectTarget();
  });
  afterAll(async () => {
    await target?.close();
  });

  it('refuses a request without a token (403)', async () => {
    const reply = await target.call('GET', '/api/dcim/manufacturers/', undefined, null);
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('refuses a wrong v1 token (403)', async () => {
    const reply = await target.call('GET', '/api/dcim/manufacturers/', undefined, 'Token 0123456789abcdef0123456789abcdef01234567');
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ detail: atLeast(target, '4.5') ? 'Invalid v1 token' : 'Invalid token' });
  });

  it('accepts the configured token', async () => {
    const reply = await target.call('GET', '/api/dcim/manufacturers/?limit=1');
    expect(reply.status).toBe(200);
  });

  it('lets a read-only token read but not write', async (context) => {
    if (!target.readOnlyToken) {
      context.skip();
      return;
    }
    const auth = target.authFor(target.readOnlyToken);
    expect((await target.call('GET', '/api/dcim/manufacturers/?limit=1', undefined, auth)).status).toBe(200);
    const write = await target.call('POST', '/api/dcim/manufacturers/', { name: `${target.runId}-ro`, slug: `${target.runId}-ro` }, auth);
    expect(write.status).toBe(403);
    expect(write.body).toEqual({ detail: 'You do not have permission to perform this action.' });
  });
});
