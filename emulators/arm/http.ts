import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request as the emulator's handlers see it. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  /** Path segments, URL-decoded. */
  segments: string[];
  query: URLSearchParams;
  rawBody: string;
  /** Filled in by handlers for the request log. */
  resourceType?: string;
  operation?: string;
  /** Serial of the access token the request carried (or a token request obtained). */
  caller?: number;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function jsonBody(ctx: RequestContext): Record<string, unknown> {
  if (ctx.rawBody.trim() === '') return {};
  const parsed: unknown = JSON.parse(ctx.rawBody);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SyntaxError('The request content must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

export function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {}
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
    'Content-Length': String(Buffer.byteLength(text)),
    'x-ms-request-id': crypto.randomUUID(),
    ...headers
  });
  res.end(text);
}

export interface ArmErrorBody {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorBody[];
}

/** ARM's error envelope: `{ "error": { "code", "message", "details"? } }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: { details?: ArmErrorBody[]; headers?: Record<string, string> } = {}
): void {
  const error: ArmErrorBody = { code, message };
  if (extra.details) error.details = extra.details;
  send(res, status, { error }, extra.headers);
}

/** Case-insensitive segment match: literal segments, or `{name}` placeholders captured. */
export function matchPath(segments: string[], pattern: string): Record<string, string> | undefined {
  const parts = pattern.split('/').filter(Boolean);
  if (parts.length !== segments.length) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    const s = segments[i] as string;
    if (p.startsWith('{') && p.endsWith('}')) out[p.slice(1, -1)] = s;
    else if (p.toLowerCase() !== s.toLowerCase()) return undefined;
  }
  return out;
}
