import { describe, expect, test } from '@jest/globals';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { renderGadgetron, toYaml } from '../../src/render/gadgetron.ts';
import { defaultSpec } from './fixtures.ts';

function readBack(text: string, version: '1.1' | '1.2'): unknown[] {
  return parseAllDocuments(text, { version }).map(doc => {
    expect(doc.errors).toEqual([]);
    return doc.toJS();
  });
}

describe('toYaml', () => {
  test('round-trips rendered objects as one document per object', () => {
    const objects = renderGadgetron(defaultSpec());
    const text = toYaml(objects);
    expect(text.split(/^---$/m)).toHaveLength(objects.length);
    expect(readBack(text, '1.2')).toEqual(objects);
  });

  test('keeps the scripts as readable block scalars', () => {
    const text = toYaml(renderGadgetron(defaultSpec()));
    expect(text).toMatch(/^ {2}drain\.sh: \|\n {4}#!\/bin\/bash\n/m);
    expect(text).toContain('    done <"$table"\n');
  });

  test('quotes strings that a YAML 1.1 reader such as kubectl would take for something else', () => {
    const tricky = [
      'yes',
      'on',
      'off',
      'n',
      '1:20',
      '1_000',
      '0o17',
      '2024-01-01',
      '0x1F',
      '9002',
      'null',
      '~',
      '.5'
    ];
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'tricky', labels: { enabled: 'yes' } },
      data: Object.fromEntries(tricky.map((value, i) => [`k${i}`, value]))
    } as KubernetesObject;
    const text = toYaml([object]);
    expect(text).toContain('enabled: "yes"');
    expect(readBack(text, '1.1')).toEqual([object]);
    expect(readBack(text, '1.2')).toEqual([object]);
  });

  test('writes numbers and booleans as such, and long values on one line', () => {
    const url = `http://${'a'.repeat(150)}:3333`;
    const object = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { enabled: true, port: 9002, args: ['-E', url] }
    } as KubernetesObject;
    const text = toYaml([object]);
    expect(text).toContain('enabled: true\n');
    expect(text).toContain('port: 9002\n');
    expect(text).toContain(`- ${url}\n`);
  });

  test('renders nothing for no objects', () => {
    expect(toYaml([])).toBe('');
  });
});
