// Plain-fetch requests to NetBox or the emulator, for tests that check the HTTP API itself
// (the emulator's tests and the contract suite) and so must not go through our own client.

/** An answer: status, the body parsed as JSON (the text when it is not JSON; null when empty), headers. */
export interface Reply<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** A JSON request to `baseUrl + path`, with `authorization` as given (null: none). */
export async function requestJson<T = unknown>(baseUrl: string, method: string, path: string, body: unknown, authorization: string | null): Promise<Reply<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(baseUrl + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return replyOf<T>(response);
}

/** Sends an already built body (multipart forms). */
export async function sendForm<T = unknown>(baseUrl: string, method: string, path: string, body: FormData, authorization: string): Promise<Reply<T>> {
  const response = await fetch(baseUrl + path, { method, headers: { accept: 'application/json', authorization }, body });
  return replyOf<T>(response);
}

async function replyOf<T>(response: Response): Promise<Reply<T>> {
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}
