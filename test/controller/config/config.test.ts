import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { databaseConnectionString, loadConfig } from '../../../controller/config/index.ts';
import { ConfigurationError } from '../../../controller/errors/index.ts';

const TOKEN = '0123456789abcdef0123456789abcdef01234567';

function configError(env: Record<string, string>): ConfigurationError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c.database).toMatchObject({ host: '127.0.0.1', port: 5432, name: 'netbox_gitops', user: 'postgres' });
    expect(c.redis).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(c.netbox).toMatchObject({ url: undefined, verifySsl: true, timeoutMs: 30_000, pageSize: 1000 });
    expect(c.logLevel).toBe('info');
    expect(c.corsOrigins).toEqual([]);
  });

  it('reads the documented variables', () => {
    const c = loadConfig({
      DATABASE_HOST: 'db',
      DATABASE_PORT: '6543',
      DATABASE_NAME: 'orchestrator-core',
      DATABASE_USER: 'nwa',
      DATABASE_PASSWORD: 'nwa',
      REDIS_HOST: 'cache',
      REDIS_PORT: '6380',
      REDIS_DATABASE: '3',
      NETBOX_URL: 'https://netbox.example.com/',
      NETBOX_TOKEN: TOKEN,
      NETBOX_VERIFY_SSL: 'false',
      NETBOX_TIMEOUT: '2.5',
      DEBUG: 'true',
      CORS_ORIGINS: 'http://localhost:3000, https://app.example.com',
      INTENTS_PATH: 'gitops/intents',
      LIBRARY_PATH: '/srv/library',
    });
    expect(c.database).toMatchObject({ host: 'db', port: 6543, name: 'orchestrator-core', user: 'nwa' });
    expect(c.database.password.reveal()).toBe('nwa');
    expect(c.redis).toMatchObject({ host: 'cache', port: 6380, db: 3 });
    expect(c.netbox.url).toBe('https://netbox.example.com');
    expect(c.netbox.token.reveal()).toBe(TOKEN);
    expect(c.netbox.verifySsl).toBe(false);
    expect(c.netbox.timeoutMs).toBe(2500);
    expect(c.logLevel).toBe('debug');
    expect(c.corsOrigins).toEqual(['http://localhost:3000', 'https://app.example.com']);
    expect(c.intentsPath).toBe('gitops/intents');
    expect(c.library.path).toBe('/srv/library');
  });

  it('lets the URL forms override the parts', () => {
    const c = loadConfig({
      DATABASE_HOST: 'ignored',
      DATABASE_URL: 'postgresql://nwa:s%40cret@pg.internal:5433/orchestrator',
      REDIS_URL: 'redis://:pw@redis.internal:6390/2',
    });
    expect(c.database).toMatchObject({ host: 'pg.internal', port: 5433, name: 'orchestrator', user: 'nwa' });
    expect(c.database.password.reveal()).toBe('s@cret');
    expect(c.redis).toMatchObject({ host: 'redis.internal', port: 6390, db: 2 });
    expect(databaseConnectionString(c.database)).toBe('postgres://nwa:s%40cret@pg.internal:5433/orchestrator');
  });

  it.each([
    ['DATABASE_PORT', 'abc', /DATABASE_PORT expects a TCP port number/],
    ['REDIS_PORT', '70000', /REDIS_PORT expects a TCP port number/],
    ['NETBOX_URL', 'not a url', /NETBOX_URL expects an http\(s\):\/\/ URL/],
    ['NETBOX_VERIFY_SSL', 'maybe', /NETBOX_VERIFY_SSL expects true or false/],
    ['NETBOX_TIMEOUT', '-1', /NETBOX_TIMEOUT expects a positive number of seconds/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL expects one of trace, debug/],
    ['REDIS_DATABASE', 'x', /REDIS_DATABASE expects a Redis database number/],
  ])('rejects %s=%s with a message naming the variable', (variable, value, message) => {
    const error = configError({ [variable]: value });
    expect(error.message).toMatch(message);
    expect(error.variable).toBe(variable);
  });

  it('reads NETBOX_OUTAGE_BUDGET as a duration (default 15 minutes)', () => {
    expect(loadConfig({}).netbox.outageBudgetMs).toBe(15 * 60_000);
    expect(loadConfig({ NETBOX_OUTAGE_BUDGET: '40s' }).netbox.outageBudgetMs).toBe(40_000);
    expect(loadConfig({ NETBOX_OUTAGE_BUDGET: '1h' }).netbox.outageBudgetMs).toBe(3_600_000);
    expect(configError({ NETBOX_OUTAGE_BUDGET: 'soon' }).message).toContain('NETBOX_OUTAGE_BUDGET');
  });

  it('reports every invalid variable in one message', () => {
    const error = configError({ DATABASE_PORT: 'x', NETBOX_TIMEOUT: 'y' });
    expect(error.message).toContain('DATABASE_PORT');
    expect(error.message).toContain('NETBOX_TIMEOUT');
  });

  it('rejects a DATABASE_URL of another scheme', () => {
    expect(configError({ DATABASE_URL: 'mysql://a@b/c' }).message).toMatch(/DATABASE_URL expects a postgres:\/\//);
  });

  it('never shows the NetBox token', () => {
    const c = loadConfig({ NETBOX_TOKEN: TOKEN, NETBOX_URL: 'https://nb.example.com' });
    expect(JSON.stringify(c)).not.toContain(TOKEN);
    expect(inspect(c, { depth: 10 })).not.toContain(TOKEN);
    expect(String(c.netbox.token)).toBe('[redacted]');
    const error = configError({ NETBOX_TOKEN: TOKEN, DATABASE_URL: `postgres://u:${TOKEN}@h/db`, NETBOX_URL: 'bad' });
    expect(error.message).not.toContain(TOKEN);
  });
});
