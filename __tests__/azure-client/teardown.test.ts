import { describe, expect, test } from '@jest/globals';
import { decideTeardown, type TeardownTarget } from '../../src/azure/teardown.ts';

const target = (tags: Record<string, string> | undefined): TeardownTarget => ({
  description: 'resource group rg1',
  name: 'rg1',
  tags,
  exists: tags !== undefined,
  ownerTag: ['gadgetron-cluster', 'aks1']
});

const OURS = { 'managed-by': 'gadgetron-actions', 'gadgetron-cluster': 'aks1' };

describe('tear-down decisions', () => {
  test('needs confirm to repeat the name', () => {
    expect(decideTeardown(target(OURS), undefined)).toMatchObject({
      action: 'refuse',
      reason: expect.stringContaining("set confirm to 'rg1'")
    });
    expect(decideTeardown(target(OURS), 'rg2')).toMatchObject({
      action: 'refuse',
      reason: expect.stringContaining("(confirm is 'rg2')")
    });
  });

  test('deletes only what the suite created for this owner', () => {
    expect(decideTeardown(target(OURS), 'rg1')).toEqual({ action: 'delete' });
    expect(
      decideTeardown(
        target({ 'Managed-By': 'gadgetron-actions', 'Gadgetron-Cluster': 'aks1' }),
        'rg1'
      )
    ).toEqual({ action: 'delete' });
    expect(decideTeardown(target({}), 'rg1')).toMatchObject({
      action: 'refuse',
      reason: expect.stringContaining('tag managed-by is missing')
    });
    expect(decideTeardown(target({ 'managed-by': 'terraform' }), 'rg1')).toMatchObject({
      action: 'refuse',
      reason: expect.stringContaining("'terraform'")
    });
    expect(
      decideTeardown(
        target({ 'managed-by': 'gadgetron-actions', 'gadgetron-cluster': 'aks2' }),
        'rg1'
      )
    ).toMatchObject({
      action: 'refuse',
      reason: expect.stringContaining("created for 'aks2', not 'aks1'")
    });
  });

  test('what is gone needs nothing', () => {
    expect(decideTeardown(target(undefined), 'rg1')).toEqual({
      action: 'nothing',
      reason: 'Resource group rg1 does not exist: nothing to delete.'
    });
  });
});
