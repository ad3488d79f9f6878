import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ROLES,
  TokenNameTakenError,
  TokenNotFoundError,
  createToken,
  hashToken,
  isRole,
  listTokens,
  looksLikeToken,
  revokeToken,
  roleAllows,
  verifyToken,
} from '../../../controller/auth/index.ts';
import { ValidationError } from '../../../controller/errors/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('roles', () => {
  it('orders viewer < operator < admin', () => {
    expect(ROLES).toEqual(['viewer', 'operator', 'admin']);
    const allowed = ROLES.flatMap((held) => ROLES.filter((required) => roleAllows(held, required)).map((required) => `${held}>=${required}`));
    expect(allowed).toEqual(['viewer>=viewer', 'operator>=viewer', 'operator>=operator', 'admin>=viewer', 'admin>=operator', 'admin>=admin']);
    expect(isRole('admin')).toBe(true);
    expect(isRole('root')).toBe(false);
  });
});

describe('tokens', () => {
  it('creates a token shown once and stores only its SHA-256 and a display prefix', async () => {
    const created = await createToken(db.pool, { name: 'ci-bot', role: 'operator' });
    expect(created.token).toMatch(/^nbg_[A-Za-z0-9_-]{43}$/);
    expect(looksLikeToken(created.token)).toBe(true);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    expect(created).toMatchObject({ name: 'ci-bot', role: 'operator', lastUsedAt: null, revokedAt: null });
    const { rows } = await db.pool.query<Record<string, unknown>>('SELECT * FROM api_tokens WHERE name = $1', ['ci-bot']);
    expect(rows[0]?.token_hash).toBe(hashToken(created.token));
    expect(JSON.stringify(rows)).not.toContain(created.token);
  });

  it('verifies a valid token and refuses wrong, malformed and revoked ones', async () => {
    const created = await createToken(db.pool, { name: 'dash', role: 'viewer' });
    expect(await verifyToken(db.pool, created.token)).toEqual({ id: created.id, name: 'dash', role: 'viewer' });
    const other = `nbg_${'A'.repeat(43)}`;
    expect(await verifyToken(db.pool, other)).toBeUndefined();
    expect(await verifyToken(db.pool, 'not-a-token')).toBeUndefined();
    expect(await verifyToken(db.pool, `${created.token}x`)).toBeUndefined();
    const revoked = await revokeToken(db.pool, 'dash');
    expect(revoked.revokedAt).not.toBeNull();
    expect(await verifyToken(db.pool, created.token)).toBeUndefined();
    // Revoking again keeps the first time.
    expect((await revokeToken(db.pool, 'dash')).revokedAt).toBe(revoked.revokedAt);
  });

  it('records the last use, at most once a minute', async () => {
    const created = await createToken(db.pool, { name: 'used', role: 'admin' });
    await verifyToken(db.pool, created.token);
    const first = (await listTokens(db.pool)).find((t) => t.name === 'used')?.lastUsedAt;
    expect(first).not.toBeNull();
    await verifyToken(db.pool, created.token);
    expect((await listTokens(db.pool)).find((t) => t.name === 'used')?.lastUsedAt).toBe(first);
    await db.pool.query(`UPDATE api_tokens SET last_used_at = now() - interval '2 minutes' WHERE name = 'used'`);
    const stale = (await listTokens(db.pool)).find((t) => t.name === 'used')?.lastUsedAt;
    await verifyToken(db.pool, created.token);
    expect((await listTokens(db.pool)).find((t) => t.name === 'used')?.lastUsedAt).not.toBe(stale);
  });

  it('refuses duplicate names, unknown roles and odd names; revoking an unknown name fails', async () => {
    await createToken(db.pool, { name: 'twice', role: 'viewer' });
    await expect(createToken(db.pool, { name: 'twice', role: 'admin' })).rejects.toBeInstanceOf(TokenNameTakenError);
    await expect(createToken(db.pool, { name: 'x', role: 'root' })).rejects.toThrow(/unknown role "root": expects one of viewer, operator, admin/);
    await expect(createToken(db.pool, { name: 'has space', role: 'viewer' })).rejects.toBeInstanceOf(ValidationError);
    await expect(createToken(db.pool, { name: '', role: 'viewer' })).rejects.toBeInstanceOf(ValidationError);
    await expect(revokeToken(db.pool, 'nobody')).rejects.toBeInstanceOf(TokenNotFoundError);
  });

  it('lists tokens by name without the tokens themselves', async () => {
    const created = await createToken(db.pool, { name: 'aaa-first', role: 'viewer' });
    const listed = await listTokens(db.pool);
    expect(listed[0]?.name).toBe('aaa-first');
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(listed.every((t) => !('token' in t))).toBe(true);
  });
});
