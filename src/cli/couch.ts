// A small CouchDB HTTP client for the sync commands: credentials from the URL or COUCH_USER/COUCH_PASSWORD, clear errors.
import { InputError } from './io.js';

export interface Couch {
  /** The database URL without credentials (safe to print). */
  url: string;
  /** The CouchDB user writing (the author of what is written), if credentials were given. */
  user: string | undefined;
  request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** Parses `http(s)://[user:password@]host[:port]/database`; credentials in the URL win over the environment. */
export function couchFromUrl(raw: string, env: NodeJS.ProcessEnv = process.env): Couch {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new InputError(`"${raw.replace(/\/\/[^@/]*@/, '//…@')}" is not a URL (expected http://host:5984/database)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InputError('The database URL must start with http:// or https://');
  const user = parsed.username ? decodeURIComponent(parsed.username) : env.COUCH_USER;
  const password = parsed.password ? decodeURIComponent(parsed.password) : env.COUCH_PASSWORD;
  parsed.username = '';
  parsed.password = '';
  const url = parsed.toString().replace(/\/$/, '');
  if (!/\/[^/]+$/.test(new URL(url).pathname)) throw new InputError(`${url} names no database (expected …/<database>)`);
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (user !== undefined) headers.Authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
  return {
    url,
    user,
    async request<T>(method: string, path: string, body?: unknown) {
      let response: Response;
      try {
        response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        throw new InputError(`${url}: the server cannot be reached (${cause ?? (error as Error).message})`);
      }
      const text = await response.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // A proxy's HTML error page, say: the status line says enough.
      }
      return { status: response.status, body: parsed as T };
    },
  };
}

/** The server's own reason for a failed request, in one line. */
export function serverReason(what: string, status: number, body: unknown): InputError {
  const { error, reason } = (body ?? {}) as { error?: string; reason?: string };
  const hint = status === 401 ? ' (check the user name and password)' : status === 403 ? ' (this user may not do that here)' : '';
  return new InputError(`${what}: the server answered ${status}${error ? ` ${error}` : ''}${reason ? `: ${reason}` : ''}${hint}`);
}
