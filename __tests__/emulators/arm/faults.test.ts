import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ArmEmulator, startArmEmulator } from '../../../emulators/arm/index.ts';
import { type Clients, clients } from './clients.ts';

describe('ARM emulator: injected faults', () => {
  let emu: ArmEmulator;
  let c: Clients;
  beforeAll(async () => {
    emu = await startArmEmulator();
    c = clients(emu);
    await c.resources.resourceGroups.createOrUpdate('rg', { location: 'westeurope' });
  });
  afterAll(async () => emu.close());

  it('429 with Retry-After: the SDK waits and retries', async () => {
    emu.faults.inject({
      type: 'status',
      status: 429,
      retryAfterSeconds: 2,
      times: 1,
      match: '/resourcegroups/rg'
    });
    const started = Date.now();
    const g = await c.resources.resourceGroups.get('rg');
    expect(g.name).toBe('rg');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    const statuses = emu.requests
      .filter(r => r.method === 'GET' && r.path.endsWith('/resourcegroups/rg'))
      .map(r => r.status);
    expect(statuses).toEqual([429, 200]);
  });

  it('503 and socket resets are retried by the SDK', async () => {
    emu.faults.inject({
      type: 'status',
      status: 503,
      times: 1,
      match: /GET .*\/resourcegroups\/rg$/
    });
    emu.faults.inject({ type: 'reset', times: 1, match: /GET .*\/resourcegroups\/rg$/ });
    const before = emu.requests.length;
    expect((await c.resources.resourceGroups.get('rg')).name).toBe('rg');
    const statuses = emu.requests
      .slice(before)
      .filter(r => r.path.endsWith('/resourcegroups/rg'))
      .map(r => r.status);
    expect(statuses.sort()).toEqual([0, 200, 503]);
  });

  it('faults are used up after `times`, and clear() drops the rest', async () => {
    emu.faults.inject({ type: 'status', status: 500, times: 50, match: 'never-matches-anything' });
    emu.faults.clear();
    emu.faults.inject({ type: 'status', status: 500, times: 1, match: '/resourcegroups/rg' });
    await c.resources.resourceGroups.get('rg');
    const before = emu.requests.length;
    await c.resources.resourceGroups.get('rg');
    expect(emu.requests.slice(before).map(r => r.status)).toEqual([200]);
  });
});
