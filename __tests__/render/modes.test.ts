/**
 * File modes in manifests/: the actions read the bases as YAML 1.2, kubectl as YAML 1.1. A mode
 * written with a leading zero (0400) is octal to one and decimal to the other, so every mode
 * must be written so that both read the same number.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { parseAllDocuments } from 'yaml';

const MANIFESTS = fileURLToPath(new URL('../../manifests/', import.meta.url));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** Every `mode` and `defaultMode` value in the documents, with where it is. */
function modes(text: string, version: '1.1' | '1.2'): [string, unknown][] {
  const found: [string, unknown][] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'mode' || key === 'defaultMode') found.push([`${path}.${key}`, v]);
        else walk(v, `${path}.${key}`);
      }
    }
  };
  parseAllDocuments(text, { version }).forEach((doc, i) => walk(doc.toJS(), `doc${i}`));
  return found;
}

const files = yamlFiles(MANIFESTS);

describe('modes in manifests/', () => {
  test('the manifests hold modes to check', () => {
    const all = files.flatMap(file => modes(readFileSync(file, 'utf8'), '1.2'));
    expect(all.length).toBeGreaterThanOrEqual(3);
  });

  test.each(files.map(f => [f.slice(MANIFESTS.length), f]))(
    '%s: YAML 1.1 and 1.2 read the same modes, each a permission mode',
    (_name, file) => {
      const text = readFileSync(file, 'utf8');
      const strict = modes(text, '1.2');
      expect(modes(text, '1.1')).toEqual(strict);
      for (const [, mode] of strict) {
        expect(Number.isInteger(mode)).toBe(true);
        expect(mode as number).toBeGreaterThanOrEqual(0);
        expect(mode as number).toBeLessThanOrEqual(0o777);
      }
    }
  );

  test('the jump server gets 0400 host keys and a 0444 configuration', () => {
    const text = readFileSync(join(MANIFESTS, 'jumpserver/deployment.yaml'), 'utf8');
    const byPath = Object.fromEntries(modes(text, '1.2'));
    expect(Object.values(byPath).sort()).toEqual([0o400, 0o444].sort());
  });
});
