import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  schemasDirectory,
  validateResource,
  validateTemplate
} from '../../src/azure/template-schema.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const load = (name: string): Json =>
  JSON.parse(readFileSync(`manifests/azure/${name}.json`, 'utf8')) as Json;

describe('ARM template schema validation', () => {
  it('finds the schemas next to the repository by default, or where AZURE_SCHEMAS_DIR says', () => {
    const saved = process.env.AZURE_SCHEMAS_DIR;
    delete process.env.AZURE_SCHEMAS_DIR;
    expect(schemasDirectory()).toMatch(/shared[\\/]azure-schemas$/);
    process.env.AZURE_SCHEMAS_DIR = '/elsewhere/schemas';
    expect(schemasDirectory()).toBe('/elsewhere/schemas');
    expect(schemasDirectory('/explicit')).toBe('/explicit');
    if (saved === undefined) delete process.env.AZURE_SCHEMAS_DIR;
    else process.env.AZURE_SCHEMAS_DIR = saved;
  });

  it.each(['aks-cluster', 'storage'])('accepts manifests/azure/%s.json', name => {
    expect(validateTemplate(load(name))).toEqual([]);
  });

  it('reports a property of the wrong type with its path', () => {
    const t = load('aks-cluster');
    t.resources[0].properties.oidcIssuerProfile.enabled = 'yes';
    const problems = validateTemplate(t);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/\/properties\/oidcIssuerProfile\/enabled: must be boolean/);
  });

  it('reports an unknown enum value with the allowed values', () => {
    const t = load('aks-cluster');
    t.resources[0].properties.networkProfile.networkPolicy = 'weave';
    const problems = validateTemplate(t);
    expect(problems.join('\n')).toMatch(
      /networkPolicy: must be equal to one of the allowed values: .*"cilium"/
    );
  });

  it('refuses an autoscaler setting given as a number (the API wants strings)', () => {
    const t = load('aks-cluster');
    t.resources[0].properties.autoScalerProfile['scan-interval'] = 10;
    expect(validateTemplate(t).join('\n')).toMatch(/scan-interval: must be string/);
  });

  it('checks the envelope and resource types without a local schema', () => {
    const t = load('storage');
    t.contentVersion = '1.0';
    t.resources.push({ type: 'Microsoft.Web/sites', apiVersion: '2024-01-01', name: 'x' });
    const problems = validateTemplate(t).join('\n');
    expect(problems).toMatch(/template\/contentVersion: must match pattern/);
    expect(problems).toMatch(/no schema for Microsoft\.Web\/sites@2024-01-01/);
  });

  it('validates an evaluated resource (no expressions left)', () => {
    const share = {
      type: 'Microsoft.Storage/storageAccounts/fileServices/shares',
      apiVersion: '2026-04-01',
      name: 'acct/default/data',
      properties: { shareQuota: 100, enabledProtocols: 'SMB' }
    };
    expect(validateResource(share)).toEqual([]);
    expect(
      validateResource({ ...share, properties: { enabledProtocols: 'FTP' } }).join('\n')
    ).toMatch(/enabledProtocols: must be equal to one of the allowed values/);
  });
});
