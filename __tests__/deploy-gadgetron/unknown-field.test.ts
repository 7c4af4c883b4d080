import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { errorAnnotations, repoRoot } from '../helpers/actions.ts';
import { createClaims } from '../../tools/fixtures/claims.ts';
import { useCluster, type TestCluster } from '../../tools/fixtures/cluster.ts';
import { runActionProcess } from '../../tools/runner/action-process.ts';

// A release whose manifests carry a typo must be refused by the API server, as a runner would
// run it: the bundle reads manifests/ from the checkout it sits in, so the test builds such a
// checkout with the action's folder and a copy of the manifests, one field misspelt.
const MISSPELT = 'terminationGracePeriodSecond';

let cluster: TestCluster;
let checkout: string;
beforeAll(async () => {
  cluster = await useCluster();
  await createClaims(cluster.kubeconfigPath, cluster.namespace, ['gtdata', 'gtdependencies']);
  checkout = mkdtempSync(join(tmpdir(), 'checkout-'));
  const action = join(checkout, 'actions', 'deploy-gadgetron');
  cpSync(join(repoRoot, 'actions', 'deploy-gadgetron', 'action.yml'), join(action, 'action.yml'));
  cpSync(join(repoRoot, 'actions', 'deploy-gadgetron', 'dist'), join(action, 'dist'), {
    recursive: true
  });
  cpSync(join(repoRoot, 'manifests'), join(checkout, 'manifests'), { recursive: true });
  const deployment = join(checkout, 'manifests', 'gadgetron', 'deployment.yaml');
  const text = readFileSync(deployment, 'utf8');
  expect(text).toContain('terminationGracePeriodSeconds:');
  writeFileSync(deployment, text.replace('terminationGracePeriodSeconds:', `${MISSPELT}:`));
});
afterAll(async () => {
  rmSync(checkout, { recursive: true, force: true });
  await cluster.close();
});

describe('deploy-gadgetron with a misspelt field in its manifests', () => {
  test("fails with the API server's message naming the field, and stores nothing", async () => {
    cluster.requests.length = 0;
    const run = await runActionProcess({
      actionDir: join(checkout, 'actions', 'deploy-gadgetron'),
      inputs: {
        image: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2',
        kubeconfig: cluster.kubeconfigPath,
        namespace: cluster.namespace,
        timeout: '120s'
      }
    });
    expect(run.exitCode).toBe(1);
    // What the API server says: server-side apply checks the patch against the schema (with
    // HTTP 500, kubernetes/kubernetes issue 139253) before field validation, so the message is
    // not the "strict decoding error: unknown field" of a create or update.
    expect(errorAnnotations(run)).toContainEqual(
      expect.stringContaining(
        `Could not apply Deployment ${cluster.namespace}/gadgetron: failed to create typed patch object ` +
          `(${cluster.namespace}/gadgetron; apps/v1, Kind=Deployment): ` +
          `.spec.template.spec.${MISSPELT}: field not declared in schema`
      )
    );
    // Refused once, not retried: the same patch fails the same way every time.
    const refused = cluster.requests.filter(r => r.verb === 'apply' && r.status === 500);
    expect(refused).toHaveLength(1);
    // Every object was checked in a dry run first, so none was kept (the namespace, which the
    // action makes sure of first, is the test's own).
    expect(refused[0]?.query.dryRun).toBe('All');
    const stored = cluster.requests.filter(r => r.verb === 'apply' && r.query.dryRun !== 'All');
    expect(stored.map(r => `${r.resource}/${r.name}`)).toEqual([`namespaces/${cluster.namespace}`]);
    for (const [apiVersion, kind] of [
      ['v1', 'ConfigMap'],
      ['v1', 'Service'],
      ['apps/v1', 'Deployment'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['networking.k8s.io/v1', 'NetworkPolicy']
    ] as const) {
      const ours = (await cluster.list<KubernetesObject>(apiVersion, kind)).filter(
        o => o.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'gadgetron-actions'
      );
      expect(`${kind}: ${ours.map(o => o.metadata?.name).join(', ')}`).toBe(`${kind}: `);
    }
    // Only the test's own claims: the storage server's disk claim was not created either.
    const claims = await cluster.list<KubernetesObject>('v1', 'PersistentVolumeClaim');
    expect(claims.map(c => c.metadata?.name).sort()).toEqual(['gtdata', 'gtdependencies']);
  });
});
