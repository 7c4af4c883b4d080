import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientSecretCredential } from '@azure/identity';
import { type ArmEmulator, startArmEmulator } from '../../../emulators/arm/index.ts';
import { clients, raw } from './clients.ts';

describe('ARM emulator: tokens', () => {
  let emu: ArmEmulator;
  beforeAll(async () => {
    emu = await startArmEmulator({ tokenLifetimeSeconds: 2, durations: { clusterCreateMs: 4500 } });
  });
  afterAll(async () => emu.close());

  it('issues tokens to ClientAssertionCredential pointed at the emulator as authority', async () => {
    const c = clients(emu);
    const token = await c.credential.getToken('https://management.azure.com/.default');
    expect(token.token).toBeTruthy();
    // the configured 2 s lifetime, not the default hour (MSAL rounds to whole seconds)
    expect(token.expiresOnTimestamp - Date.now()).toBeLessThan(3500);
    const last = emu.tokenRequests.at(-1);
    expect(last).toMatchObject({
      grantType: 'client_credentials',
      clientId: 'gadgetron-deployer',
      scope: expect.stringContaining('https://management.azure.com/.default')
    });
    expect(last?.clientAssertion).toMatch(/^assertion-\d+$/);
  });

  it('issues tokens to ClientSecretCredential', async () => {
    const cred = new ClientSecretCredential(emu.tenantId, 'app', 's3cret', {
      authorityHost: emu.url,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: emu.caPem }
    });
    await cred.getToken('https://management.azure.com/.default');
    expect(emu.tokenRequests.at(-1)).toMatchObject({ clientId: 'app', clientSecret: 's3cret' });
  });

  it('answers 401 with a challenge without a token, and ExpiredAuthenticationToken once expired', async () => {
    const path = `/subscriptions/${emu.subscriptionId}/resourcegroups?api-version=2025-04-01`;
    const none = await raw(emu, 'GET', path);
    expect(none.status).toBe(401);
    expect(String(none.headers['www-authenticate'])).toMatch(/^Bearer authorization_uri=/);
    const { token } = await clients(emu).credential.getToken(
      'https://management.azure.com/.default'
    );
    expect((await raw(emu, 'GET', path, { token })).status).toBe(200);
    await new Promise(r => setTimeout(r, 2100));
    const expired = await raw(emu, 'GET', path, { token });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { code: 'ExpiredAuthenticationToken' } });
    expect(emu.state.tokenInfo(token)).toMatchObject({ valid: false, expired: true });
  });

  it('refuses a token for another audience (e.g. the AKS server app)', async () => {
    const { token } = await clients(emu).credential.getToken(
      '6dae42f8-4368-4678-94ff-3960e28e3630/.default'
    );
    const res = await raw(emu, 'GET', `/subscriptions/${emu.subscriptionId}/resourcegroups`, {
      token
    });
    expect(res.body).toMatchObject({ error: { code: 'InvalidAuthenticationTokenAudience' } });
  });

  it('a long operation gets fresh tokens (new assertions) as they expire', async () => {
    const c = clients(emu);
    await c.resources.resourceGroups.createOrUpdate('rg-long', { location: 'westeurope' });
    const before = emu.tokenRequests.length;
    const assertionsBefore = c.assertions();
    await c.containers.managedClusters.createOrUpdate(
      'rg-long',
      'long',
      {
        location: 'westeurope',
        agentPoolProfiles: [
          { name: 'system', mode: 'System', vmSize: 'Standard_D2s_v5', count: 1 }
        ],
        dnsPrefix: 'long'
      },
      { updateIntervalInMs: 500 }
    );
    expect(emu.tokenRequests.length - before).toBeGreaterThanOrEqual(2);
    expect(c.assertions() - assertionsBefore).toBeGreaterThanOrEqual(2);
    const unauthorized = emu.requests.filter(r => r.status === 401 && r.path.includes('rg-long'));
    expect(unauthorized).toEqual([]);
  }, 30000);

  it('refuses an expired client assertion like Entra ID (AADSTS700024)', async () => {
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const stale = `${b64({ alg: 'RS256' })}.${b64({ exp: Math.floor(Date.now() / 1000) - 60 })}.sig`;
    const res = await fetchToken(emu, stale);
    expect(res.status).toBe(400);
    expect(String((res.body as { error_description: string }).error_description)).toMatch(
      /^AADSTS700024/
    );
  });
});

async function fetchToken(
  emu: ArmEmulator,
  assertion: string
): Promise<{ status: number; body: unknown }> {
  const { request } = await import('node:https');
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: 'x',
    scope: 'https://management.azure.com/.default',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion
  }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(`/${emu.tenantId}/oauth2/v2.0/token`, emu.url),
      {
        method: 'POST',
        ca: emu.caPem,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
      },
      res => {
        let s = '';
        res.on('data', (c: Buffer) => (s += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(s) as unknown })
        );
      }
    );
    req.on('error', reject);
    req.end(form);
  });
}
