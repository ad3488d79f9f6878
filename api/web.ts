// The dashboard (web/, a Vite build) served by the API at `/`: hashed assets from disk with
// long-lived caching, and index.html for every other browser navigation (client-side routes),
// without a token — the page itself holds no data; it signs in against /api/v1/me.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Paths the dashboard never answers: they belong to the API even when nothing matches there. */
const API_PREFIXES = ['/api/', '/api', '/graphql', '/hooks/', '/health', '/livez', '/readyz', '/metrics'];

/** web/dist of this package: the folder above this file's folder that holds package.json, then web/dist. */
export function defaultWebRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'web', 'dist');
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from, '..', 'web', 'dist');
    dir = parent;
  }
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>netbox-gitops</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The dashboard is not built</h1>
<p>This API serves the dashboard from <code>web/dist</code>, which does not exist yet. Build it with
<code>npm run build:web</code> (or <code>npm run build</code>) and reload. The API itself works: <a href="/api/docs">/api/docs</a>.</p>
</body></html>`;

/**
 * Registers the dashboard's static files. Returns the not-found fallback: it answers browser
 * navigations (GET/HEAD accepting text/html, outside the API's paths, without a file extension)
 * with index.html and returns false for everything else, which then gets the API's JSON 404.
 */
export async function registerDashboard(app: FastifyInstance, webRoot: string): Promise<(request: FastifyRequest, reply: FastifyReply) => Promise<boolean>> {
  const indexFile = path.join(webRoot, 'index.html');
  const built = existsSync(indexFile);
  if (built) {
    await app.register(async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...(route.config as object), access: 'public', rateLimit: false };
      });
      // Vite names assets by content hash: a changed file is a new URL, so they can be kept a year.
      // The folder is matched by wildcard, so a rebuild while the API runs is served at once.
      await scope.register(fastifyStatic, {
        root: path.join(webRoot, 'assets'),
        prefix: '/assets/',
        wildcard: true,
        index: false,
        cacheControl: false,
        decorateReply: false,
        setHeaders: (res) => {
          res.header('cache-control', 'public, max-age=31536000, immutable');
        },
      });
      // The few files beside index.html (favicon): one route each, revalidated on every use.
      await scope.register(fastifyStatic, {
        root: webRoot,
        prefix: '/',
        wildcard: false,
        globIgnore: ['assets/**', 'index.html', '**/*.map'],
        index: false,
        cacheControl: false,
        decorateReply: false,
        setHeaders: (res) => {
          res.header('cache-control', 'no-cache');
        },
      });
    });
  }
  return async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const pathname = request.url.split('?')[0] ?? '/';
    if (API_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))) return false;
    if (path.posix.extname(pathname) !== '') return false;
    if (!(request.headers.accept ?? '').includes('text/html')) return false;
    if (!built || !existsSync(indexFile)) {
      await reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
      return true;
    }
    // Read per request (a few hundred bytes): a rebuild while the API runs is picked up at once.
    const html = await readFile(indexFile, 'utf8');
    await reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    return true;
  };
}
