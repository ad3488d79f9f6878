// Abuse of the API: NUL bytes in filters and arguments, introspection and alias floods, slow
// resolvers, introspection turned off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIntrospectionQuery } from 'graphql';
import { buildApp } from '../../api/index.ts';
import { startApi } from './helpers.ts';
import type { ApiFixture } from './helpers.ts';

let api: ApiFixture;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const gql = (query: string, variables?: Record<string, unknown>) =>
  api.request('viewer', { method: 'POST', url: '/graphql', payload: { query, ...(variables ? { variables } : {}) } });

describe('NUL bytes', () => {
  it('in a REST filter, path or body: 400, not 500', async () => {
    for (const url of [
      '/api/v1/processes?intentName=a%00b',
      '/api/v1/processes?workflow=%00',
      '/api/v1/audit?object=x%00',
      '/api/v1/intents/VendorSet/a%00b',
      '/api/v1/processes/ab%00cd',
    ]) {
      const r = await api.request('viewer', { url });
      expect(r.statusCode, url).toBe(400);
      expect(r.json()).toMatchObject({ error: 'bad_request', message: expect.stringContaining('NUL character') });
    }
    const body = await api.request('operator', {
      method: 'POST',
      url: '/api/v1/workflows/task_import_device_types',
      payload: { selected_vendor: 'Arista\u0000', device_type_filter: 'x' },
    });
    expect(body.statusCode).toBe(400);
    expect(body.json().details).toEqual({ field: 'body.selected_vendor' });
  });

  it('in a GraphQL argument, inline or as a variable: 400', async () => {
    const inline = await gql('{ processes(intentName: "a\\u0000b") { id } }');
    expect(inline.statusCode).toBe(400);
    expect(inline.json().errors[0].message).toMatch(/NUL character/);
    const variable = await gql('query($n: String) { processes(intentName: $n) { id } }', { n: 'a\u0000b' });
    expect(variable.statusCode).toBe(400);
    // Without the NUL the same query answers.
    expect((await gql('query($n: String) { processes(intentName: $n) { id } }', { n: 'ab' })).statusCode).toBe(200);
  });
});

describe('GraphQL limits', () => {
  it('refuses 5,000 aliased __schema selections before validating or running them', async () => {
    const flood = `{ ${Array.from({ length: 5_000 }, (_, i) => `a${i}: __schema { types { name fields { name } } }`).join(' ')} }`;
    const r = await gql(flood);
    expect(r.statusCode).toBe(400);
    expect(r.json().errors.map((e: { message: string }) => e.message)).toContain('The query uses 5000 aliases; at most 30 are allowed.');
    expect(r.json().data).toBeNull();
  });

  it('counts introspection fields in the cost: a few deep __schema selections are over the limit (before, __ fields cost nothing), the standard introspection query is not', async () => {
    const deep = `{ ${Array.from({ length: 20 }, (_, i) => `s${i}: __schema { types { fields { args { type { fields { name } } } } } }`).join(' ')} }`;
    const r = await gql(deep);
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].message).toMatch(/^Introspection cost \d+ exceeds the limit of \d+ \(one standard introspection query\)/);
    // The standard query nests ofType deeper than the depth limit (10); without that nesting it passes the cost rules.
    const standard = await gql(
      getIntrospectionQuery().replace(
        /fragment TypeRef on __Type \{[\s\S]*$/,
        'fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name } } }',
      ),
    );
    expect(standard.json().errors?.map((e: { message: string }) => e.message) ?? []).toEqual([]);
    expect(standard.statusCode).toBe(200);
    expect(standard.json().data.__schema.types.length).toBeGreaterThan(10);
  });

  it('introspection can be turned off; __typename still works', async () => {
    const app = await buildApp(api.deps, { rateLimit: { max: 0, windowMs: 1_000 }, graphql: { introspection: false } });
    try {
      const post = (query: string) =>
        app.inject({ method: 'POST', url: '/graphql', payload: { query }, headers: { authorization: `Bearer ${api.tokens.viewer}` } });
      const refused = await post('{ __schema { types { name } } }');
      expect(refused.statusCode).toBe(400);
      expect(refused.json().errors[0].message).toMatch(/introspection/i);
      expect((await post('{ __type(name: "Process") { name } }')).statusCode).toBe(400);
      const typename = await post('{ __typename }');
      expect(typename.statusCode).toBe(200);
      expect(typename.json().data).toEqual({ __typename: 'Query' });
    } finally {
      await app.close();
    }
  });

  it('a resolver slower than the time limit fails that field instead of holding the request', async () => {
    const app = await buildApp(api.deps, { rateLimit: { max: 0, windowMs: 1_000 }, graphql: { resolverTimeoutMs: 50 } });
    // A query Postgres needs longer than 50 ms for: hold the processes table with a lock.
    const client = await api.db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('LOCK TABLE processes IN ACCESS EXCLUSIVE MODE');
      const r = await app.inject({
        method: 'POST',
        url: '/graphql',
        payload: { query: '{ processes { id } }' },
        headers: { authorization: `Bearer ${api.tokens.viewer}` },
      });
      expect(r.json().errors[0]).toMatchObject({
        message: expect.stringMatching(/^Query\.processes did not answer within 50 ms/),
        extensions: { code: 'timeout' },
      });
    } finally {
      await client.query('ROLLBACK');
      client.release();
      await app.close();
    }
  });
});
