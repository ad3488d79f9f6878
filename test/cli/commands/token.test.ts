import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, verifyToken } from '../../../controller/auth/index.ts';
import { runCli } from '../../helpers/cli.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';

let db: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  db = await createTestDatabase();
  env = { DATABASE_URL: db.url };
});
afterAll(async () => {
  await db?.drop();
});

describe('netbox-gitops token', () => {
  it('create prints the token once (stdout) and stores only its hash', async () => {
    const run = await runCli(['token', 'create', '--name', 'deploy-bot', '--role', 'operator'], env);
    expect(run.code).toBe(0);
    const token = run.out.trim();
    expect(token).toMatch(/^nbg_[A-Za-z0-9_-]{43}$/);
    expect(run.err).toMatch(/created token "deploy-bot" \(role operator, prefix nbg_[\w-]{8}\); it is shown only this once/);
    expect(run.err).not.toContain(token);
    expect(await verifyToken(db.pool, token)).toMatchObject({ name: 'deploy-bot', role: 'operator' });
    const { rows } = await db.pool.query('SELECT token_hash FROM api_tokens WHERE name = $1', ['deploy-bot']);
    expect(rows[0]?.token_hash).toBe(hashToken(token));
  });

  it('create --json prints the token with its details', async () => {
    const run = await runCli(['token', 'create', '--name', 'json-bot', '--role', 'viewer', '--json'], env);
    const body = JSON.parse(run.out);
    expect(body).toMatchObject({ name: 'json-bot', role: 'viewer', token: expect.stringMatching(/^nbg_/) });
    expect(body.token.startsWith(body.prefix)).toBe(true);
  });

  it('list shows names, roles and prefixes, never tokens', async () => {
    const created = (await runCli(['token', 'create', '--name', 'listed', '--role', 'admin'], env)).out.trim();
    const run = await runCli(['token', 'list'], env);
    expect(run.code).toBe(0);
    const lines = run.out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+ROLE\s+PREFIX\s+CREATED\s+LAST USED\s+REVOKED$/);
    expect(lines.find((l) => l.startsWith('listed '))).toMatch(new RegExp(`^listed\\s+admin\\s+${created.slice(0, 12)}\\s`));
    expect(run.out).not.toContain(created);
    const json = JSON.parse((await runCli(['token', 'list', '--json'], env)).out);
    expect(json.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['deploy-bot', 'json-bot', 'listed']));
    expect(JSON.stringify(json)).not.toContain(created);
  });

  it('revoke makes the token unusable and shows it as revoked', async () => {
    const token = (await runCli(['token', 'create', '--name', 'temp', '--role', 'viewer'], env)).out.trim();
    const run = await runCli(['token', 'revoke', '--name', 'temp'], env);
    expect(run.out).toMatch(/^revoked token "temp" \(prefix nbg_[\w-]{8}\)/);
    expect(await verifyToken(db.pool, token)).toBeUndefined();
    const listed = JSON.parse((await runCli(['token', 'list', '--json'], env)).out).find((t: { name: string }) => t.name === 'temp');
    expect(listed.revokedAt).not.toBeNull();
  });

  it('refuses an unknown role, a duplicate name, a missing option and an unknown token', async () => {
    await expect(runCli(['token', 'create', '--name', 'x', '--role', 'root'], env)).rejects.toThrow(
      /unknown role "root": expects one of viewer, operator, admin/,
    );
    await expect(runCli(['token', 'create', '--name', 'deploy-bot', '--role', 'viewer'], env)).rejects.toThrow(/named "deploy-bot" exists already/);
    expect((await runCli(['token', 'create', '--name', 'y'], env)).err).toMatch(/required option '--role <role>' not specified/);
    await expect(runCli(['token', 'revoke', '--name', 'ghost'], env)).rejects.toThrow(/There is no API token named "ghost"/);
  });

  it('says to migrate first when the table is missing', async () => {
    const empty = await createTestDatabase({ migrated: false });
    try {
      await expect(runCli(['token', 'list'], { DATABASE_URL: empty.url })).rejects.toThrow(/run `netbox-gitops migrate` first/);
    } finally {
      await empty.drop();
    }
  });
});
