// The whole sentence a user reads when a tear-down is refused or has nothing to do: what would
// have been deleted, why not, and what to do about it.
import { describe, expect, test } from '@jest/globals';
import { decideTeardown, type TeardownTarget } from '../../src/azure/teardown.ts';

const target = (
  tags: Record<string, string> | undefined,
  exists = tags !== undefined
): TeardownTarget => ({
  description: 'storage account gtstore',
  name: 'gtstore',
  tags,
  exists,
  ownerTag: ['gadgetron-storage', 'gtstore']
});

const OURS = { 'managed-by': 'gadgetron-actions', 'gadgetron-storage': 'gtstore' };

describe('tear-down refusals read as whole sentences', () => {
  test('no confirm at all', () => {
    expect(decideTeardown(target(OURS), undefined)).toEqual({
      action: 'refuse',
      reason:
        "Refusing to delete storage account gtstore: set confirm to 'gtstore' to delete it and everything in it."
    });
    expect(decideTeardown(target(OURS), '')).toEqual({
      action: 'refuse',
      reason:
        "Refusing to delete storage account gtstore: set confirm to 'gtstore' to delete it and everything in it."
    });
  });

  test('a confirm naming something else is quoted back', () => {
    expect(decideTeardown(target(OURS), 'GTSTORE')).toEqual({
      action: 'refuse',
      reason:
        "Refusing to delete storage account gtstore: set confirm to 'gtstore' to delete it and everything in it (confirm is 'GTSTORE')."
    });
  });

  test('confirm is checked before anything else, even for what is gone', () => {
    expect(decideTeardown(target(undefined), 'other').action).toBe('refuse');
  });

  test('something the suite did not create', () => {
    expect(decideTeardown(target({ 'gadgetron-storage': 'gtstore' }), 'gtstore')).toEqual({
      action: 'refuse',
      reason:
        'Refusing to delete storage account gtstore: it was not created by gadgetron-actions (tag managed-by is missing). Delete it yourself if it really should go.'
    });
    expect(
      decideTeardown(target({ 'managed-by': 'bicep', 'gadgetron-storage': 'gtstore' }), 'gtstore')
    ).toEqual({
      action: 'refuse',
      reason:
        "Refusing to delete storage account gtstore: it was not created by gadgetron-actions (tag managed-by is 'bicep'). Delete it yourself if it really should go."
    });
  });

  test('something the suite created for another owner, or for none', () => {
    expect(
      decideTeardown(
        target({ 'managed-by': 'gadgetron-actions', 'gadgetron-storage': 'other' }),
        'gtstore'
      )
    ).toEqual({
      action: 'refuse',
      reason:
        "Refusing to delete storage account gtstore: it was created for 'other', not 'gtstore' (tag gadgetron-storage)."
    });
    expect(decideTeardown(target({ 'managed-by': 'gadgetron-actions' }), 'gtstore')).toEqual({
      action: 'refuse',
      reason:
        "Refusing to delete storage account gtstore: it was created for something else, not 'gtstore' (tag gadgetron-storage)."
    });
  });

  test('an existing resource without tags is refused; a missing one needs nothing', () => {
    expect(decideTeardown(target(undefined, true), 'gtstore').action).toBe('refuse');
    expect(decideTeardown(target(OURS, false), 'gtstore')).toEqual({
      action: 'nothing',
      reason: 'Storage account gtstore does not exist: nothing to delete.'
    });
  });
});
