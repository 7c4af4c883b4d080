/**
 * The runner's ID token service, as @actions/core's getIDToken calls it:
 * GET ACTIONS_ID_TOKEN_REQUEST_URL&audience=... with `Authorization: bearer
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN` answers `{ "value": "<jwt>" }`. Tokens live
 * `lifetimeSeconds`, so an assertion kept too long is refused by the token endpoint.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OidcServer {
  readonly url: string;
  readonly token: string;
  /** Audiences of the ID tokens handed out, one per request. */
  readonly issued: string[];
  close(): Promise<void>;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export async function startOidcServer(lifetimeSeconds = 300): Promise<OidcServer> {
  const token = `request-token-${Math.random().toString(36).slice(2)}`;
  const issued: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (
      req.method !== 'GET' ||
      req.headers.authorization?.toLowerCase() !== `bearer ${token}`.toLowerCase()
    ) {
      res.writeHead(401).end();
      return;
    }
    const audience = url.searchParams.get('audience') ?? 'https://github.com/owner';
    issued.push(audience);
    const now = Math.floor(Date.now() / 1000);
    const jwt = [
      b64url({ alg: 'RS256', typ: 'JWT', kid: 'test' }),
      b64url({
        iss: 'https://token.actions.githubusercontent.com',
        sub: 'repo:owner/repo:ref:refs/heads/main',
        aud: audience,
        iat: now,
        nbf: now - 5,
        exp: now + lifetimeSeconds,
        jti: `${now}-${issued.length}`
      }),
      'c2lnbmF0dXJl'
    ].join('.');
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ value: jwt, count: issued.length }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/_apis/distributedtask/hubs/build/plans/1/jobs/1/idtoken?api-version=2.0`,
    token,
    issued,
    close: () => new Promise(resolve => server.close(() => resolve()))
  };
}
