import { expect, test } from '@jest/globals';
import { unsupportedNode } from '../../src/runtime/node-version.ts';

test('Node 24 and newer run the actions; older ones get a message naming both versions', () => {
  expect(unsupportedNode('24.0.0')).toBeUndefined();
  expect(unsupportedNode('26.1.0')).toBeUndefined();
  expect(unsupportedNode('20.20.2')).toMatch(
    /needs Node\.js 24 or newer .* runs on Node\.js 20\.20\.2/
  );
  expect(unsupportedNode('garbage')).toMatch(/runs on Node\.js garbage/);
});
