import type { CachedLibraryProvider } from '../../controller/catalogue/index.ts';
import { createCachedLibraryProvider } from '../../controller/catalogue/index.ts';
import type { CliContext } from '../context.ts';

/**
 * The library the planning commands read: `--library`, else LIBRARY_GIT_URL at LIBRARY_GIT_REF,
 * else LIBRARY_PATH, served at LIBRARY_PIN when set. Parsed catalogues are cached per revision
 * under CACHE_DIR, so a CI job that keeps that folder does not parse the library every run.
 */
export function openLibrary(ctx: CliContext, options: { readonly library?: string }): CachedLibraryProvider {
  const config = ctx.config();
  const git = options.library === undefined && config.library.gitUrl !== undefined;
  return createCachedLibraryProvider({
    ...(git ? { gitUrl: config.library.gitUrl, gitRef: config.library.gitRef, env: ctx.env } : { root: options.library ?? config.library.path }),
    cacheDir: config.cacheDir,
    ...(config.library.pin !== undefined ? { pin: config.library.pin } : {}),
  });
}
