/**
 * Behaviour the emulator is not meant to show (headers on the wire, a server that echoes the
 * token, HTML error pages, a 4.1-reporting server that ignores a filter), checked against tiny
 * real HTTP servers started here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../controller/config/index.ts';
import { FilterIgnoredError, NetBoxError, createNetBoxClient } from '../../../controller/netbox/index.ts';
import { captureLogger, caught, serialiseError } from './helpers.ts';

const servers: FastifyInstance[] = [];

async function serve(setup: (app: FastifyInstance) => void, https?: { key: Buffer; cert: Buffer }): Promise<string> {
  const app = https ? Fastify({ https }) : Fastify();
  setup(app);
  servers.push(app);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('against small real servers', () => {
  it('sends "Token <key>" for v1 keys and "Bearer nbt_…" for v2 tokens', async () => {
    const seen: string[] = [];
    const url = await serve((app) => {
      app.get('/api/status/', async (req) => {
        seen.push(String(req.headers.authorization));
        return { 'netbox-version': '4.5.10' };
      });
    });
    for (const token of ['0123456789abcdef0123456789abcdef01234567', 'nbt_AbCdEf123456.Sup3rS3cretPart']) {
      const client = createNetBoxClient({ url, token: new Secret(token) });
      await client.status();
      await client.close();
    }
    expect(seen).toEqual(['Token 0123456789abcdef0123456789abcdef01234567', 'Bearer nbt_AbCdEf123456.Sup3rS3cretPart']);
  });

  it('keeps the token out of errors and logs even when the server echoes it', async () => {
    const token = 'nbt_EchoKey987654.EchoedSecretValue';
    const url = await serve((app) => {
      app.get('/api/status/', async () => ({ 'netbox-version': '4.5.10' }));
      app.post('/api/dcim/manufacturers/', async (req, reply) => reply.code(400).send({ name: [`bad header ${String(req.headers.authorization)}`] }));
      app.get('/api/dcim/manufacturers/', async (req, reply) =>
        reply
          .code(502)
          .type('text/html')
          .send(`<html><body>upstream said ${String(req.headers.authorization)}</body></html>`),
      );
    });
    const { logger, output } = captureLogger();
    const client = createNetBoxClient({ url, token: new Secret(token), logger, maxRetries: 1, retryBaseMs: 1 });
    const rejected = await caught(client.create('manufacturers', { name: 'x', slug: 'x' }));
    const failed = await caught(client.list('manufacturers'));
    await client.close();
    expect(rejected).toBeInstanceOf(NetBoxError);
    expect((rejected as NetBoxError).message).toContain('[redacted]');
    expect(failed).toBeInstanceOf(NetBoxError);
    expect((failed as NetBoxError).status).toBe(502);
    expect((failed as NetBoxError).attempts).toBe(2);
    for (const text of [serialiseError(rejected), serialiseError(failed), output()]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain('EchoedSecretValue');
    }
    expect(output()).toContain('retrying');
  });

  it('stops after the first page when a server reporting 4.1 ignores device_type_id', async () => {
    let listCalls = 0;
    const all = Array.from({ length: 2500 }, (_, i) => ({ id: i + 1, name: `eth${i}`, device_type: { id: (i % 5) + 1 } }));
    const url = await serve((app) => {
      app.get('/api/status/', async () => ({ 'netbox-version': '4.1.11' }));
      app.get('/api/dcim/interface-templates/', async (req) => {
        listCalls += 1;
        const q = req.query as Record<string, string>;
        const offset = Number(q.offset ?? 0);
        const limit = Math.min(Number(q.limit ?? 50), 1000);
        return { count: all.length, next: offset + limit < all.length ? 'more' : null, previous: null, results: all.slice(offset, offset + limit) };
      });
    });
    const client = createNetBoxClient({ url, token: new Secret('0123456789abcdef0123456789abcdef01234567') });
    const error = await caught(client.list('interface-templates', { device_type_id: 3 }));
    await client.close();
    expect(error).toBeInstanceOf(FilterIgnoredError);
    expect(error).toMatchObject({ filter: 'device_type_id', sentAs: 'device_type_id', serverVersion: '4.1.11' });
    expect(listCalls).toBe(1);
  });

  it('reads a redirect and an HTML page as errors that say what to do', async () => {
    const url = await serve((app) => {
      app.get('/api/status/', async (_req, reply) => reply.redirect('https://elsewhere.example/api/status/', 301));
    });
    const client = createNetBoxClient({ url, token: new Secret('0123456789abcdef0123456789abcdef01234567'), maxRetries: 0 });
    const error = (await caught(client.status())) as NetBoxError;
    await client.close();
    expect(error).toBeInstanceOf(NetBoxError);
    expect(error.status).toBe(301);
    expect(error.transient).toBe(false);
    expect(error.message).toMatch(/redirects.*NETBOX_URL/);
  });

  it('verifies TLS by default and can be told not to', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nb-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
      const url = await serve((app) => {
        app.get('/api/status/', async () => ({ 'netbox-version': '4.5.10' }));
      }, tls);
      const token = new Secret('0123456789abcdef0123456789abcdef01234567');
      const strict = createNetBoxClient({ url, token, maxRetries: 3, retryBaseMs: 1 });
      const error = (await caught(strict.status())) as NetBoxError;
      await strict.close();
      expect(error).toBeInstanceOf(NetBoxError);
      expect(error).toMatchObject({ kind: 'connection', transient: false, attempts: 1 });
      expect(error.message).toContain('NETBOX_VERIFY_SSL');
      const lax = createNetBoxClient({ url, token, verifySsl: false });
      expect((await lax.status()).version).toBe('4.5.10');
      await lax.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    let calls = 0;
    const url = await serve((app) => {
      app.get('/api/status/', async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 500));
        return { 'netbox-version': '4.5.10' };
      });
    });
    const controller = new AbortController();
    const client = createNetBoxClient({ url, token: new Secret('0123456789abcdef0123456789abcdef01234567'), signal: controller.signal });
    const pending = caught(client.status());
    setTimeout(() => controller.abort(), 50);
    const error = (await pending) as Error;
    await client.close();
    expect(error.name).toBe('AbortError');
    expect(error).not.toBeInstanceOf(NetBoxError);
    expect(calls).toBe(1);
  });
});
