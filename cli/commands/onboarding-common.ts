import { loadCatalogue } from '../../controller/catalogue/index.ts';
import type { Catalogue } from '../../controller/catalogue/index.ts';
import { createNetBoxClient, netBoxClientOptionsFromConfig } from '../../controller/netbox/index.ts';
import type { NetBoxClient } from '../../controller/netbox/index.ts';
import type { CliContext } from '../context.ts';

/** The devicetype-library for `--library DIR`, else LIBRARY_PATH or LIBRARY_GIT_URL. */
export function loadLibraryFor(ctx: CliContext, library: string | undefined): Promise<Catalogue> {
  const config = ctx.config();
  return loadCatalogue({
    root: library ?? config.library.path,
    ...(library === undefined && config.library.gitUrl ? { gitUrl: config.library.gitUrl, gitRef: config.library.gitRef } : {}),
    cacheDir: config.cacheDir,
  });
}

/** A NetBox client from NETBOX_URL / NETBOX_TOKEN and the NETBOX_* tunables. */
export function netBoxClientFor(ctx: CliContext): NetBoxClient {
  const config = ctx.config();
  return createNetBoxClient(netBoxClientOptionsFromConfig(config.netbox, { logger: ctx.logger() }));
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
