import { expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, NO_KUBECONFIG } from '../../src/kubernetes/connect.ts';
import { ActionFailure } from '../../src/runtime/failure.ts';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://203.0.113.7:6443' } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`;

test('without a kubeconfig anywhere, the error names every way to give one', () => {
  const home = mkdtempSync(join(tmpdir(), 'home-'));
  expect(() => connect(undefined, {}, home)).toThrow(ActionFailure);
  expect(() => connect(undefined, {}, home)).toThrow(NO_KUBECONFIG);
  expect(NO_KUBECONFIG).toMatch(
    /kubeconfig input.*KUBECONFIG.*~\/\.kube\/config.*inside the cluster/
  );
});

test('~/.kube/config is used when neither the input nor KUBECONFIG is set', () => {
  const home = mkdtempSync(join(tmpdir(), 'home-'));
  mkdirSync(join(home, '.kube'));
  writeFileSync(join(home, '.kube', 'config'), KUBECONFIG);
  expect(connect(undefined, {}, home).server).toBe('https://203.0.113.7:6443');
});
