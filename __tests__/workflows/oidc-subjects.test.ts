// Every caller we hand out (examples/ and the README's callers) must be able to sign in: the
// OIDC subject its runs present has to equal the subject of a federated credential the README
// creates (Entra ID compares them exactly; otherwise AADSTS700213).
import { describe, expect, test } from '@jest/globals';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/actions.ts';

type Yaml = Record<string, unknown>;

const README = join(repoRoot, 'README.md');
const WORKFLOWS = join(repoRoot, '.github', 'workflows');
const EXAMPLES = join(repoRoot, 'examples');
/** A release tag, for subjects of tag runs (each tag gives a different subject). */
const SAMPLE_TAG = 'v4.7.2';

/** Subjects of the README's `az ad app federated-credential create` calls, after the repository. */
function credentialSubjects(readme: string): string[] {
  return [...readme.matchAll(/"subject": "repo:'"\$REPO"':([^"]+)"/g)].map(m => m[1] as string);
}

/** The ```yaml blocks of the README that call one of the reusable workflows. */
function readmeCallers(readme: string): Yaml[] {
  return [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map(m => m[1] as string)
    .filter(text => /uses: OWNER\/gadgetron-actions\/\.github\/workflows\//.test(text))
    .map(text => parse(text) as Yaml);
}

/**
 * The subjects after `repo:OWNER/REPO:` that a job calling a reusable workflow presents, one
 * per trigger of the caller: its environment when it names one, else the ref the run is for.
 * Scheduled runs and runs by hand use the default branch, main.
 */
export function subjectsOf(caller: Yaml, job: Yaml): string[] {
  const environment = (job.with as Yaml | undefined)?.environment;
  if (typeof environment === 'string' && environment !== '') return [`environment:${environment}`];
  const on = caller.on as Yaml | string;
  const triggers = typeof on === 'string' ? { [on]: {} } : on;
  return Object.entries(triggers).flatMap(([event, spec]) => {
    const filters = (spec ?? {}) as Yaml;
    switch (event) {
      case 'push':
        return [
          ...((filters.tags as string[] | undefined) ? [`ref:refs/tags/${SAMPLE_TAG}`] : []),
          ...((filters.branches as string[] | undefined) ?? []).map(b => `ref:refs/heads/${b}`)
        ];
      case 'release':
        return [`ref:refs/tags/${SAMPLE_TAG}`];
      case 'schedule':
      case 'workflow_dispatch':
        return ['ref:refs/heads/main'];
      case 'pull_request':
        return ['pull_request'];
      default:
        throw new Error(`no subject rule for the ${event} trigger`);
    }
  });
}

/** Jobs of a caller that call a reusable workflow of this repository, with its file name. */
function callingJobs(caller: Yaml): { job: Yaml; workflow: string }[] {
  return Object.values(caller.jobs as Yaml).flatMap(spec => {
    const job = spec as Yaml;
    const match = /^OWNER\/gadgetron-actions\/\.github\/workflows\/([\w-]+\.yml)@/.exec(
      String(job.uses ?? '')
    );
    return match ? [{ job, workflow: match[1] as string }] : [];
  });
}

async function callers(): Promise<{ name: string; caller: Yaml }[]> {
  const readme = await readFile(README, 'utf8');
  const examples = (await readdir(EXAMPLES)).filter(n => n.endsWith('.yml')).sort();
  return [
    ...(await Promise.all(
      examples.map(async name => ({
        name: `examples/${name}`,
        caller: parse(await readFile(join(EXAMPLES, name), 'utf8')) as Yaml
      }))
    )),
    ...readmeCallers(readme).map((caller, i) => ({ name: `README caller ${i + 1}`, caller }))
  ];
}

describe('OIDC subjects of the callers match a federated credential of the README', () => {
  test('the README creates credentials for main and for the production environment', async () => {
    const subjects = credentialSubjects(await readFile(README, 'utf8'));
    expect(subjects).toEqual(['ref:refs/heads/main', 'environment:production']);
  });

  test('every example and README caller signs in on each of its triggers', async () => {
    const subjects = credentialSubjects(await readFile(README, 'utf8'));
    const all = await callers();
    expect(all.length).toBeGreaterThanOrEqual(7);
    const derived: string[] = [];
    for (const { name, caller } of all) {
      for (const { job, workflow } of callingJobs(caller)) {
        for (const subject of subjectsOf(caller, job)) {
          derived.push(`${name} → ${workflow}: ${subject}`);
          expect({ name, subject, matched: subjects.includes(subject) }).toEqual({
            name,
            subject,
            matched: true
          });
        }
      }
    }
    // Tag-triggered callers exist and sign in through the environment.
    expect(derived).toContain(
      'examples/upgrade-on-release.yml → update.yml: environment:production'
    );
  });

  test('the environment a caller names reaches every job of the called workflow that signs in', async () => {
    for (const name of ['stand-up.yml', 'update.yml', 'tear-down.yml']) {
      const workflow = parse(await readFile(join(WORKFLOWS, name), 'utf8')) as Yaml;
      for (const [id, job] of Object.entries(workflow.jobs as Yaml)) {
        const steps = ((job as Yaml).steps as Yaml[]) ?? [];
        const signsIn = steps.some(s =>
          /^\.\/actions\/(provision-cluster|create-storage)$/.test(String(s.uses))
        );
        // The check job signs in nowhere (its actions stop after reading their inputs).
        if (!signsIn || id === 'check') continue;
        expect({ name, id, environment: (job as Yaml).environment }).toEqual({
          name,
          id,
          environment: '${{ inputs.environment }}'
        });
      }
    }
  });

  test('a tag-triggered caller without an environment presents the tag, which no credential matches', () => {
    const caller = { on: { push: { tags: ['v*'] } } };
    const job = { uses: 'OWNER/gadgetron-actions/.github/workflows/update.yml@v1', with: {} };
    expect(subjectsOf(caller, job)).toEqual([`ref:refs/tags/${SAMPLE_TAG}`]);
    expect(subjectsOf(caller, { ...job, with: { environment: 'production' } })).toEqual([
      'environment:production'
    ]);
  });
});
