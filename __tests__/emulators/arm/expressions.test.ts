import { describe, expect, it } from '@jest/globals';
import type { EvalContext } from '../../../emulators/arm/template/context.ts';
import { checkExpressions } from '../../../emulators/arm/template/check.ts';
import { evaluateString, evaluateValue } from '../../../emulators/arm/template/evaluate.ts';

const ctx: EvalContext = {
  subscriptionId: 'sub',
  tenantId: 'tenant',
  resourceGroup: { id: '/subscriptions/sub/resourceGroups/rg', name: 'rg', location: 'westeurope' },
  deploymentName: 'd',
  parameter: name =>
    ({ name: 'gt', empty: '', shares: [{ name: 'data', quotaGiB: 5 }], on: true })[name],
  variable: name => ({ base: { a: '1' } })[name],
  copyIndex: () => 0,
  reference: id => ({ fqdn: `fqdn-of-${id.split('/').pop()}` })
};

const ev = (s: string): unknown => evaluateString(s, ctx);

describe('template expressions', () => {
  it('evaluates strings, parameters, member access and indexing', () => {
    expect(ev("[parameters('name')]")).toBe('gt');
    expect(ev("[parameters('shares')[0].quotaGiB]")).toBe(5);
    expect(ev("[parameters('shares')[copyIndex()]['name']]")).toBe('data');
    expect(ev("['it''s']")).toBe("it's");
    expect(ev('[[not an expression]')).toBe('[not an expression]');
    expect(ev('plain')).toBe('plain');
  });

  it('formats and concatenates', () => {
    expect(ev("[format('{0}/default/{1}', 'acct', parameters('shares')[0].name)]")).toBe(
      'acct/default/data'
    );
    expect(ev("[concat('MC_', resourceGroup().name, '_', toLower('X'))]")).toBe('MC_rg_x');
    expect(ev('[concat(createArray(1), createArray(2, 3))]')).toEqual([1, 2, 3]);
    expect(ev('[string(true())]')).toBe('True');
  });

  it('if() yields null for an empty value and only evaluates the chosen branch', () => {
    expect(ev("[if(empty(parameters('empty')), null(), parameters('empty'))]")).toBeNull();
    expect(ev("[if(parameters('on'), 'yes', parameters('missing').x)]")).toBe('yes');
    expect(ev("[if(not(equals(length(parameters('shares')), 1)), 'many', 'one')]")).toBe('one');
  });

  it('union() merges objects, later ones winning', () => {
    expect(ev("[union(variables('base'), createObject('a', '2', 'b', '3'))]")).toEqual({
      a: '2',
      b: '3'
    });
  });

  it('resourceId() builds nested ids in the current resource group', () => {
    expect(
      ev(
        "[resourceId('Microsoft.Storage/storageAccounts/fileServices/shares', 'acct', 'default', 'data')]"
      )
    ).toBe(
      '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct/fileServices/default/shares/data'
    );
    expect(
      ev("[reference(resourceId('Microsoft.ContainerService/managedClusters', 'c1')).fqdn]")
    ).toBe('fqdn-of-c1');
  });

  it('evaluates expressions inside objects and arrays', () => {
    expect(
      evaluateValue(
        { tags: { cluster: "[parameters('name')]" }, list: ["[parameters('on')]"] },
        ctx
      )
    ).toEqual({
      tags: { cluster: 'gt' },
      list: [true]
    });
  });

  it('refuses unknown functions, naming them', () => {
    expect(() => ev("[uniqueString('x')]")).toThrow(
      /The template function 'uniqueString' is not valid/
    );
    expect(() =>
      checkExpressions({ outputs: { x: { type: 'string', value: "[guid('a')]" } } })
    ).toThrow(/'guid' is not valid/);
  });

  it('reports missing properties and syntax errors', () => {
    expect(() => ev("[parameters('shares')[0].size]")).toThrow(/property 'size' doesn't exist/);
    expect(() => ev("[parameters('name'']")).toThrow(/not valid|Unterminated/);
  });
});
