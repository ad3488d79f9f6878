// GIT_TOKEN never reaches a command line (visible to every user in the process list), the
// repository's .git/config or a URL: git gets it as an HTTP header through its environment.
// A real smart-HTTP server (git http-backend behind Basic auth) proves the header works; a
// wrapper in front of git records the argv of every git the fetch spawns.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../controller/config/index.ts';
import { IntegrationError } from '../../../controller/errors/index.ts';
import { fetchCheckout } from '../../../controller/sources/index.ts';
import { tempDir } from '../../helpers/files.ts';
import { git } from './helpers.ts';

const TOKEN = 'ghp_T0kenThatMustNeverShow';
let scratch: ReturnType<typeof tempDir>;
let server: Server;
let baseUrl: string;
let head: string;
let argvLog: string;
let env: Record<string, string>;

/** Serves the bare repositories under `root` over smart HTTP, for requests with the right Basic credentials only. */
function gitHttpServer(root: string, expected: string): Server {
  return createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' });
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: 'test',
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(child.stdin);
    let buffer = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of buffer.subarray(0, end).toString().split('\r\n')) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name?.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else if (name) res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(buffer.subarray(end + 4));
    });
    child.on('close', () => res.end());
  });
}

beforeAll(async () => {
  scratch = tempDir('git-credentials-');
  const repos = path.join(scratch.path, 'repos');
  const work = path.join(scratch.path, 'work');
  git(scratch.path, 'init', '--bare', path.join(repos, 'intents.git'));
  git(scratch.path, 'init', work);
  writeFileSync(path.join(work, 'a.yaml'), 'kind: VendorSet\n');
  git(work, 'add', '-A');
  git(work, 'commit', '-m', 'first');
  git(work, 'push', path.join(repos, 'intents.git'), 'HEAD:main');
  head = git(work, 'rev-parse', 'HEAD');

  // A `git` in front of the real one that appends its argv to a log, then runs it.
  const bin = path.join(scratch.path, 'bin');
  argvLog = path.join(scratch.path, 'argv.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  execFileSync('mkdir', ['-p', bin]);
  writeFileSync(path.join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${realGit}' "$@"\n`);
  chmodSync(path.join(bin, 'git'), 0o755);
  writeFileSync(argvLog, '');
  env = { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: scratch.path };

  server = gitHttpServer(repos, `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  scratch?.remove();
});

describe('Git credentials', () => {
  it('fetches with GIT_TOKEN while no git argv, .git/config or error carries the token', async () => {
    const directory = path.join(scratch.path, 'checkout');
    const revision = await fetchCheckout(directory, { url: `${baseUrl}/intents.git`, ref: 'main', token: new Secret(TOKEN), env });
    expect(revision).toBe(head);
    const argv = readFileSync(argvLog, 'utf8');
    expect(argv).toMatch(/^fetch origin main --depth 1 --no-tags$/m);
    expect(argv).not.toContain(TOKEN);
    expect(argv).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
    expect(readFileSync(path.join(directory, '.git/config'), 'utf8')).not.toContain(TOKEN);

    // A second fetch (remote set-url) stays clean too.
    await fetchCheckout(directory, { url: `${baseUrl}/intents.git`, ref: 'main', token: new Secret(TOKEN), env });
    expect(readFileSync(argvLog, 'utf8')).not.toContain(TOKEN);
  });

  it('moves user and password written into the URL out of it', async () => {
    writeFileSync(argvLog, '');
    const directory = path.join(scratch.path, 'checkout-url');
    const url = `${baseUrl.replace('http://', `http://x-access-token:${TOKEN}@`)}/intents.git`;
    expect(await fetchCheckout(directory, { url, ref: 'main', env })).toBe(head);
    expect(readFileSync(argvLog, 'utf8')).not.toContain(TOKEN);
    expect(readFileSync(path.join(directory, '.git/config'), 'utf8')).not.toContain(TOKEN);
  });

  it('a wrong token fails with a message that holds no secret (and never waits for a password prompt)', async () => {
    const wrong = 'ghp_WrongTokenAlsoSecret';
    const error = await fetchCheckout(path.join(scratch.path, 'checkout-wrong'), {
      url: `${baseUrl}/intents.git`,
      ref: 'main',
      token: new Secret(wrong),
      env,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrationError);
    expect((error as Error).message).toMatch(/could not fetch http:\/\/127\.0\.0\.1:\d+\/intents\.git at "main"/);
    expect((error as Error).message).not.toContain(wrong);
    expect(readFileSync(argvLog, 'utf8')).not.toContain(wrong);
  });
});
