import pg from 'pg';
import type { AppConfig } from '../controller/config/index.ts';

/** Runs one statement on the server's `postgres` database (CREATE/DROP DATABASE for a benchmark). */
export async function runAdminSql(server: AppConfig['database'], sql: string): Promise<void> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password.isEmpty ? undefined : server.password.reveal(),
    database: 'postgres',
  });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
