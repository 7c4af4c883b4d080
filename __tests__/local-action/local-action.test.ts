// Each action run by GitHub's @github/local-action (which imports main.ts, calls its run() and
// stubs @actions/core) and by this repository's runner (the bundle, as GitHub's runner starts
// it) must behave alike: same annotations, same outputs, same success or failure.
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { errorAnnotations, repoRoot, runBundledAction } from '../helpers/actions.ts';

interface LocalRun {
  readonly exitCode: number;
  readonly stdout: string;
}

/** local-action reads inputs from a dotenv file only: nothing fills action.yml's defaults in. */
function runLocalAction(
  action: string,
  variables: Record<string, string>,
  runnerTemp: string
): Promise<LocalRun> {
  const dir = mkdtempSync(join(tmpdir(), 'local-action-'));
  const dotenv = join(dir, '.env');
  writeFileSync(
    dotenv,
    Object.entries(variables)
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
      .join('\n')
  );
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('INPUT_') && !key.startsWith('GITHUB_')) {
      env[key] = value;
    }
  }
  // It starts tsx through npx: this Node (24) must come first on the PATH.
  env.PATH = `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}`;
  env.RUNNER_TEMP = runnerTemp;
  const bin = join(repoRoot, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');
  const child = spawn(process.execPath, [bin, 'run', join('actions', action), 'main.ts', dotenv], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.resume();
  return new Promise(resolve =>
    child.on('close', code => resolve({ exitCode: code ?? 1, stdout }))
  );
}

/** Workflow command lines (`::name ...::message`) of a given name. */
function commands(stdout: string, name: string): string[] {
  return stdout.split('\n').filter(line => line.startsWith(`::${name}`));
}

/** Outputs local-action's @actions/core stub printed (it has no GITHUB_OUTPUT file). */
function printedOutputs(stdout: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of commands(stdout, 'set-output')) {
    const match = /^::set-output name=([^:]+)::(.*)$/.exec(line);
    if (match) outputs[match[1] as string] = match[2] as string;
  }
  return outputs;
}

/** [what, action, inputs as INPUT_* variables, whether it succeeds, text the errors hold] */
const CASES: [string, string, Record<string, string>, boolean, string?][] = [
  [
    'deploy-gadgetron, dry-run client, every other input defaulted, one mistyped input name',
    'deploy-gadgetron',
    {
      INPUT_IMAGE: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2',
      'INPUT_DRY-RUN': 'client',
      'INPUT_MIN-REPLICA': '3'
    },
    true
  ],
  [
    'deploy-gadgetron, an image without a tag and a namespace given as empty text',
    'deploy-gadgetron',
    { INPUT_IMAGE: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda', INPUT_NAMESPACE: '' },
    false
  ],
  [
    'deploy-gadgetron with no kubeconfig anywhere: the ways to give one',
    'deploy-gadgetron',
    {
      INPUT_IMAGE: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2',
      HOME: mkdtempSync(join(tmpdir(), 'empty-home-'))
    },
    false,
    'No cluster to talk to. Give the kubeconfig input'
  ],
  [
    'provision-cluster, max-nodes below min-nodes and a bad region',
    'provision-cluster',
    {
      'INPUT_RESOURCE-GROUP': 'gadgetron-test',
      'INPUT_CLUSTER-NAME': 'gadgetron',
      INPUT_LOCATION: 'eu west !',
      'INPUT_MIN-NODES': '5',
      'INPUT_MAX-NODES': '2',
      'INPUT_SUBSCRIPTION-ID': '00000000-0000-0000-0000-000000000001'
    },
    false
  ],
  [
    'create-storage, an unknown SKU and a namespace given as empty text',
    'create-storage',
    {
      'INPUT_RESOURCE-GROUP': 'gadgetron-test-storage',
      INPUT_SKU: 'Cheap',
      INPUT_NAMESPACE: '',
      'INPUT_SUBSCRIPTION-ID': '00000000-0000-0000-0000-000000000001'
    },
    false
  ],
  [
    'jumpserver, a CIDR with a prefix longer than 32',
    'jumpserver',
    {
      'INPUT_AUTHORIZED-KEYS':
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl scanner',
      'INPUT_ALLOWED-CIDRS': '10.0.0.0/33',
      INPUT_IMAGE: 'ghcr.io/example/gadgetron-actions/jumpserver:1.0.0'
    },
    false
  ],
  [
    'status, a log-lines count out of range and a misspelt input',
    'status',
    { 'INPUT_LOG-LINES': '0', 'INPUT_JUMPSERVER-NAMES': 'sshd' },
    false
  ]
];

describe('@github/local-action runs each action as the repository runner does', () => {
  test.each(CASES)(
    '%s',
    async (...[, action, variables, succeeds, expected]) => {
      const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'));
      // The repository runner passes every declared input, with action.yml's defaults, as
      // GitHub's runner does; the variables given here replace them or come on top.
      const [local, bundled] = await Promise.all([
        runLocalAction(action, variables, runnerTemp),
        runBundledAction(action, {}, { env: variables, runnerTemp })
      ]);
      expect(bundled.exitCode === 0).toBe(succeeds);
      expect(local.exitCode === 0).toBe(succeeds);
      expect(commands(local.stdout, 'error')).toEqual(commands(bundled.stdout, 'error'));
      expect(commands(local.stdout, 'warning')).toEqual(commands(bundled.stdout, 'warning'));
      if (succeeds) {
        expect(printedOutputs(local.stdout)).toEqual(bundled.outputs);
        expect(Object.keys(bundled.outputs)).toContain('manifests');
      } else {
        // Nothing about a missing default: the action applied action.yml's defaults itself.
        const errors = errorAnnotations(bundled).join('\n');
        expect(errors).not.toMatch(/required but was not given/);
        expect(errors).not.toMatch(/undefined|Invalid URL/);
        if (expected) expect(errors).toContain(expected);
        expect(errorAnnotations(bundled).length).toBeGreaterThan(0);
      }
    },
    300_000
  );
});
