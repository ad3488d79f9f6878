export { loadConfig, databaseConnectionString } from './config.ts';
export type { AppConfig } from './config.ts';
export { Secret } from './secret.ts';
