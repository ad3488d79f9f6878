import type { AppConfig } from '../config/index.ts';
import { ConfigurationError } from '../errors/index.ts';
import type { NetBoxClientOptions } from './client.ts';

/**
 * Client options from the NETBOX_* settings, plus whatever the caller adds (logger, onRequest,
 * breaker...). Throws ConfigurationError when NETBOX_URL is not set.
 */
export function netBoxClientOptionsFromConfig(
  netbox: AppConfig['netbox'],
  extra: Omit<Partial<NetBoxClientOptions>, 'url' | 'token'> = {},
): NetBoxClientOptions {
  if (!netbox.url) {
    throw new ConfigurationError('NETBOX_URL is not set: give the base URL of NetBox, e.g. https://netbox.example.com', 'NETBOX_URL');
  }
  return {
    url: netbox.url,
    token: netbox.token,
    verifySsl: netbox.verifySsl,
    timeoutMs: netbox.timeoutMs,
    pageSize: netbox.pageSize,
    writeChunk: netbox.writeChunk,
    concurrency: netbox.concurrency,
    maxRetries: netbox.maxRetries,
    ...extra,
  };
}
