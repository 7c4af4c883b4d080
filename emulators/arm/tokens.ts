import { randomUUID } from 'node:crypto';

/** Access tokens the emulator issued: unsigned JWTs, recognised by lookup. */
export interface IssuedToken {
  token: string;
  clientId: string;
  scope: string;
  audience: string;
  expiresAt: number;
  /** 1 for the first token issued, 2 for the next, ...: tells callers apart in the request log. */
  serial: number;
}

function b64url(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

/** The resource a scope asks for: `https://management.azure.com/.default` → `https://management.azure.com`. */
export function audienceOf(scope: string): string {
  const first = scope.split(' ').find(s => s.endsWith('/.default')) ?? scope.split(' ')[0] ?? '';
  return first.replace(/\/\.default$/, '');
}

export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly issuer: string;
  private readonly lifetimeSeconds: number;
  private readonly tenantId: string;

  constructor(tenantId: string, issuer: string, lifetimeSeconds: number) {
    this.tenantId = tenantId;
    this.issuer = issuer;
    this.lifetimeSeconds = lifetimeSeconds;
  }

  issue(clientId: string, scope: string): IssuedToken {
    const now = Math.floor(Date.now() / 1000);
    const audience = audienceOf(scope);
    const claims = {
      aud: audience,
      iss: this.issuer,
      iat: now,
      nbf: now,
      exp: now + this.lifetimeSeconds,
      appid: clientId,
      azp: clientId,
      oid: clientId,
      sub: clientId,
      tid: this.tenantId,
      ver: '1.0',
      jti: randomUUID()
    };
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    const issued: IssuedToken = {
      token,
      clientId,
      scope,
      audience,
      expiresAt: (now + this.lifetimeSeconds) * 1000,
      serial: this.tokens.size + 1
    };
    this.tokens.set(token, issued);
    return issued;
  }

  lookup(token: string): IssuedToken | undefined {
    return this.tokens.get(token);
  }

  get lifetime(): number {
    return this.lifetimeSeconds;
  }
}

/** The payload of a JWT (no signature check), or undefined if it is not one. */
export function jwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(parts[1] as string, 'base64url').toString('utf8')
    );
    return typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
