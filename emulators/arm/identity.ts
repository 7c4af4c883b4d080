import { type RequestContext, matchPath, send } from './http.ts';
import { jwtPayload, type TokenStore } from './tokens.ts';
import type { TokenRequestRecord } from './types.ts';

export interface IdentityDeps {
  url: string;
  tokens: TokenStore;
  tokenRequests: TokenRequestRecord[];
}

function openIdConfiguration(url: string, tenant: string): Record<string, unknown> {
  const base = `${url}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic'
    ],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/openid/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid'],
    tenant_region_scope: 'WW',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net'
  };
}

function aadError(
  ctx: RequestContext,
  status: number,
  error: string,
  code: number,
  text: string
): void {
  send(ctx.res, status, {
    error,
    error_description: `AADSTS${code}: ${text}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: crypto.randomUUID(),
    correlation_id: crypto.randomUUID()
  });
}

/**
 * Microsoft Entra ID endpoints used by @azure/identity (MSAL) for the client credentials
 * grant: OpenID discovery, instance discovery and the v2.0 token endpoint. Client assertions
 * that are JWTs are refused once expired (AADSTS700024), like the real service.
 */
export function handleIdentity(ctx: RequestContext, deps: IdentityDeps): boolean {
  const { segments, method } = ctx;
  let m: Record<string, string> | undefined;
  if (
    method === 'GET' &&
    (m = matchPath(segments, '{tenant}/v2.0/.well-known/openid-configuration'))
  ) {
    ctx.operation = 'openid-configuration';
    send(ctx.res, 200, openIdConfiguration(deps.url, m.tenant as string));
    return true;
  }
  if (method === 'GET' && matchPath(segments, 'common/discovery/instance')) {
    ctx.operation = 'instance-discovery';
    const host = new URL(deps.url).host;
    send(ctx.res, 200, {
      tenant_discovery_endpoint: `${deps.url}/common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }]
    });
    return true;
  }
  if (method === 'GET' && matchPath(segments, '{tenant}/discovery/v2.0/keys')) {
    send(ctx.res, 200, { keys: [] });
    return true;
  }
  if (method === 'POST' && matchPath(segments, '{tenant}/oauth2/v2.0/token')) {
    ctx.operation = 'token';
    const form = new URLSearchParams(ctx.rawBody);
    const grantType = form.get('grant_type') ?? '';
    const clientId = form.get('client_id') ?? '';
    const scope = form.get('scope') ?? '';
    const assertion = form.get('client_assertion') ?? undefined;
    const secret = form.get('client_secret') ?? undefined;
    const record: TokenRequestRecord = { at: Date.now(), grantType, clientId, scope };
    if (assertion !== undefined) record.clientAssertion = assertion;
    if (secret !== undefined) record.clientSecret = secret;
    deps.tokenRequests.push(record);
    if (grantType !== 'client_credentials') {
      aadError(
        ctx,
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'.`
      );
      return true;
    }
    if (!clientId) {
      aadError(
        ctx,
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id'."
      );
      return true;
    }
    if (!scope) {
      aadError(
        ctx,
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'scope'."
      );
      return true;
    }
    if (!assertion && !secret) {
      aadError(
        ctx,
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
      );
      return true;
    }
    if (assertion) {
      const exp = jwtPayload(assertion)?.exp;
      if (typeof exp === 'number' && exp * 1000 < Date.now()) {
        aadError(
          ctx,
          400,
          'invalid_client',
          700024,
          'Client assertion is not within its valid time range.'
        );
        return true;
      }
    }
    const issued = deps.tokens.issue(clientId, scope);
    ctx.caller = issued.serial;
    send(ctx.res, 200, {
      token_type: 'Bearer',
      expires_in: deps.tokens.lifetime,
      ext_expires_in: deps.tokens.lifetime,
      access_token: issued.token
    });
    return true;
  }
  return false;
}
