import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ArmEmulator, startArmEmulator } from '../../../emulators/arm/index.ts';
import { type Clients, clients, params, template } from './clients.ts';

describe('ARM emulator: resource groups', () => {
  let emu: ArmEmulator;
  let c: Clients;
  beforeAll(async () => {
    emu = await startArmEmulator({ durations: { resourceGroupDeleteMs: 600 } });
    c = clients(emu);
  });
  afterAll(async () => emu.close());

  it('creates, reads, lists and tags a resource group', async () => {
    const created = await c.resources.resourceGroups.createOrUpdate('rg-a', {
      location: 'westeurope',
      tags: { owner: 'mri' }
    });
    expect(created).toMatchObject({ name: 'rg-a', location: 'westeurope', tags: { owner: 'mri' } });
    expect((await c.resources.resourceGroups.checkExistence('RG-A')).body).toBe(true);
    expect((await c.resources.resourceGroups.checkExistence('rg-none')).body).toBe(false);
    const names: string[] = [];
    for await (const g of c.resources.resourceGroups.list()) names.push(g.name as string);
    expect(names).toContain('rg-a');
    await c.resources.resourceGroups.update('rg-a', { tags: { owner: 'mri', stage: 'test' } });
    expect(emu.state.getResourceGroup('rg-a')?.tags).toEqual({ owner: 'mri', stage: 'test' });
  });

  it('answers 404 ResourceGroupNotFound for a missing group', async () => {
    await expect(c.resources.resourceGroups.get('rg-missing')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceGroupNotFound'
    });
  });

  it('deletes through a long-running operation, taking the contents along', async () => {
    await c.resources.resourceGroups.createOrUpdate('rg-del', { location: 'westeurope' });
    await c.deployments.deployments.createOrUpdate('rg-del', 'st', {
      properties: {
        mode: 'Incremental',
        template: template('storage'),
        parameters: params({ accountName: 'delstore' })
      }
    });
    expect(emu.state.resources().some(r => r.name === 'delstore')).toBe(true);
    const started = Date.now();
    const poller = c.resources.resourceGroups.delete('rg-del', { updateIntervalInMs: 100 });
    await poller.submitted();
    expect(emu.state.getResourceGroup('rg-del')?.properties.provisioningState).toBe('Deleting');
    await poller;
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(emu.state.getResourceGroup('rg-del')).toBeUndefined();
    expect(emu.state.resources().some(r => r.name === 'delstore')).toBe(false);
    const del = emu.requests.find(r => r.method === 'DELETE' && r.path.endsWith('/rg-del'));
    expect(del?.status).toBe(202);
    expect(emu.requests.some(r => r.operation === 'operationResult' && r.status === 202)).toBe(
      true
    );
  });

  it('lets tests seed a group the suite did not create', async () => {
    emu.state.seedResourceGroup('foreign', 'northeurope', { owner: 'someone' });
    const g = await c.resources.resourceGroups.get('foreign');
    expect(g.tags).toEqual({ owner: 'someone' });
  });
});
