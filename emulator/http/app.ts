import multipart from '@fastify/multipart';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiResult, EmulatedApi } from '../api/api.ts';
import { isWrite, routeFor } from '../api/api.ts';
import type { UploadedFile } from '../api/mutations.ts';
import { parseQuery } from '../api/query.ts';
import type { Json } from '../model/types.ts';
import type { Logger } from '../../controller/logging/index.ts';
import type { EmulatorStats, FaultConfig } from '../types.ts';
import type { VersionProfile } from '../version.ts';
import type { TokenSet } from './auth.ts';
import { authenticate } from './auth.ts';
import type { WorkerPool } from './cost-model.ts';
import type { FaultInjector } from './faults.ts';
import { FaultConfigError } from './faults.ts';
import type { RequestStats } from './stats.ts';

/** Everything the HTTP layer drives. */
export interface AppParts {
  readonly api: EmulatedApi;
  readonly profile: VersionProfile;
  readonly tokens: TokenSet;
  readonly faults: FaultInjector;
  readonly pool: WorkerPool;
  readonly stats: RequestStats;
  readonly bodyLimit: number;
  readonly logger?: Logger;
  /** Control-endpoint actions, provided by the emulator. */
  readonly control: {
    stats(): EmulatorStats;
    reset(statsOnly: boolean): void;
    setFaults(partial: Partial<FaultConfig>): void;
    faults(): FaultConfig;
    saveState(file?: string): Promise<string>;
  };
}

/** The request body of a JSON request that does not parse; NetBox answers 400. */
class JsonBodyError extends Error {
  readonly statusCode = 400;
}

const NO_PERMISSION = { detail: 'You do not have permission to perform this action.' };

/** Builds the fastify app: the emulated API under /api/, media, and the /_emulator/ side door. */
export async function buildApp(parts: AppParts): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: parts.bodyLimit,
    ...(parts.logger ? { loggerInstance: parts.logger as FastifyBaseLogger } : { logger: false }),
    forceCloseConnections: true,
    // One line per request would drown the demo's output; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: parts.bodyLimit }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new JsonBodyError(`JSON parse error - ${(error as Error).message}`), undefined);
    }
  });
  await app.register(multipart, { limits: { fileSize: parts.bodyLimit, fieldSize: parts.bodyLimit } });
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) parts.logger?.error({ err: error }, 'emulator request failed');
    const detail =
      error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? `Unsupported media type "${String(_request.headers['content-type'] ?? '')}" in request.`
        : error.message;
    void reply.code(status).type('application/json').send(JSON.stringify({ detail }));
  });

  app.all('/api/*', (request, reply) => handleApi(parts, request, reply));
  app.get('/media/*', (request, reply) => {
    const raw = request.url.split('?')[0]?.slice('/media/'.length) ?? '';
    let path = raw;
    try {
      path = decodeURIComponent(raw);
    } catch {
      // A malformed escape names no stored file; answer 404 below.
    }
    const file = parts.api.store.media.get(path);
    if (!file) return reply.code(404).type('text/html').send('<h1>Not Found</h1><p>The requested resource was not found on this server.</p>');
    return reply.type(file.contentType).send(file.data);
  });
  registerControl(app, parts);
  return app;
}

async function handleApi(parts: AppParts, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const { api, profile, tokens, faults, pool, stats } = parts;
  const [path = '/', rawQuery = ''] = splitUrl(request.url);
  const method = request.method;
  stats.countRequest(method, path);
  const endpoint = routeFor(path)?.endpoint ?? '';
  const fault = faults.decide({ method, endpoint });
  if (fault.kind === 'drop') {
    reply.hijack();
    request.raw.socket.destroy();
    return undefined;
  }
  if (fault.kind === 'respond') {
    stats.countStatus(fault.status);
    return reply.code(fault.status).headers(fault.headers).type(fault.contentType).send(fault.body);
  }
  const auth = authenticate(request.headers.authorization, tokens, profile);
  if (!auth.ok) return sendJson(reply, stats, 403, { detail: auth.detail });
  if (isWrite(method) && !auth.writeEnabled) return sendJson(reply, stats, 403, NO_PERMISSION);
  const { body, files } = await readBody(request);
  const base = `${request.protocol}://${request.headers.host ?? request.hostname}`;
  const query = parseQuery(rawQuery);
  const config = faults.current();
  const writeFactor = faults.writeFactor(endpoint);
  let writeMs = 0;
  // NetBox does the work once a worker takes the request, whether or not its client is still
  // waiting: time spent in this queue counts against the client's timeout, and a request whose
  // client gave up is still committed.
  const result = await pool.run((): { result: ApiResult; costMs: number } => {
    const answer = api.handle({ method, path, query, body, files, base });
    writeMs = config.writeMsPerObject * writeFactor * answer.written;
    return { result: answer, costMs: faults.latencyMs() + writeMs + config.readMsPerObject * answer.read };
  });
  stats.objectsWritten += result.written;
  stats.objectsRead += result.read;
  stats.writeBusyMs += writeMs;
  const late = isWrite(method) && result.status < 300 ? faults.lateAnswer(endpoint) : undefined;
  if (late) {
    if (late.afterMs === null) return holdWithoutAnswer(request, reply);
    await sleep(late.afterMs);
  }
  if (result.body === undefined || method === 'HEAD') {
    stats.countStatus(result.status);
    return reply.code(result.status).send();
  }
  return sendJson(reply, stats, result.status, result.body);
}

/** Longest a connection is held without an answer (the client normally closes it long before). */
const HOLD_LIMIT_MS = 10 * 60_000;

/** Keeps the connection open without answering until the client closes it (or the hold limit). */
async function holdWithoutAnswer(request: FastifyRequest, reply: FastifyReply): Promise<undefined> {
  reply.hijack();
  const socket = request.raw.socket;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, HOLD_LIMIT_MS);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  socket.destroy();
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sendJson(reply: FastifyReply, stats: RequestStats, status: number, body: Json): FastifyReply {
  stats.countStatus(status);
  return reply.code(status).type('application/json').send(JSON.stringify(body));
}

function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q === -1 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
}

/** The request's JSON body, or the fields and files of a multipart form. */
async function readBody(request: FastifyRequest): Promise<{ body: Json | undefined; files: Map<string, UploadedFile> }> {
  const files = new Map<string, UploadedFile>();
  if (!request.isMultipart()) return { body: request.body as Json | undefined, files };
  const fields: { [key: string]: Json } = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') files.set(part.fieldname, { filename: part.filename, contentType: part.mimetype, data: await part.toBuffer() });
    else fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value);
  }
  return { body: fields, files };
}

function registerControl(app: FastifyInstance, parts: AppParts): void {
  const { control } = parts;
  app.get('/_emulator/stats', () => control.stats());
  app.post('/_emulator/reset', (request) => {
    const statsOnly = ['1', 'true', 'yes'].includes(String((request.query as Record<string, unknown>).stats_only ?? ''));
    control.reset(statsOnly);
    return { reset: statsOnly ? 'stats' : 'all' };
  });
  app.get('/_emulator/faults', () => control.faults());
  app.post('/_emulator/faults', (request, reply) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return reply.code(400).send({ detail: 'POST a JSON object with the fault settings to change' });
    try {
      control.setFaults(body as Partial<FaultConfig>);
    } catch (error) {
      if (error instanceof FaultConfigError) return reply.code(400).send({ detail: error.message, field: error.field });
      throw error;
    }
    return control.faults();
  });
  app.post('/_emulator/state', async (request, reply) => {
    const body = request.body as { file?: unknown } | undefined;
    try {
      const file = await control.saveState(typeof body?.file === 'string' ? body.file : undefined);
      return { saved: file };
    } catch (error) {
      return reply.code(400).send({ detail: (error as Error).message });
    }
  });
}
