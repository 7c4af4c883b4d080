// Mutation testing of the modules that make decisions, one module at a time:
//   npm run mutation -- <module>   e.g. src/inputs/parsers.ts, inputs/parsers or cluster-diff
//   npm run mutation -- --force <module>   every mutant again, ignoring the kept results
//   npm run mutation               the scores of the last run of each module
// Each module is mutated with only the tests that exercise it; results are kept per module in
// reports/mutation/ so that a re-run only tests the mutants whose code or tests changed.
// A run fails when fewer than 90 % of the mutants are detected or when a surviving mutant is
// not listed, with the reason it cannot be detected, in stryker.equivalents.yaml.
import { Stryker } from '@stryker-mutator/core';
import type { MutantResult } from '@stryker-mutator/api/core';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const REPORTS = join(root, 'reports', 'mutation');
const THRESHOLD = 90;

interface Module {
  /** Test files (globs relative to the repository) that exercise the module. */
  readonly tests: readonly string[];
  /** The tests need the local Kubernetes cluster (jest's global setup starts or finds one). */
  readonly cluster?: boolean;
  /**
   * The tests run an action's bundle: it is rebuilt once from the mutated sources, each mutant
   * is switched on in the action's process through the environment, and every test runs for
   * every mutant (coverage is not seen across processes), so only `lines` are mutated.
   */
  readonly bundle?: { readonly action: string; readonly module: string; readonly lines: string };
}

export const MODULES: Record<string, Module> = {
  'src/inputs/parsers.ts': { tests: ['__tests__/inputs/parsers*.test.ts'] },
  'src/azure/cluster-diff.ts': { tests: ['__tests__/azure-client/diff*.test.ts'] },
  'src/azure/literal-diff.ts': { tests: ['__tests__/azure-client/diff*.test.ts'] },
  'src/kubernetes/rollout-status.ts': { tests: ['__tests__/kubernetes/rollout-*.test.ts'] },
  'src/azure/teardown.ts': { tests: ['__tests__/azure-client/teardown*.test.ts'] },
  'src/azure/share-quota.ts': { tests: ['__tests__/azure-client/storage*.test.ts'] },
  'src/azure/storage-spec.ts': { tests: ['__tests__/azure-client/storage*.test.ts'] },
  'src/azure/storage.ts': { tests: ['__tests__/azure-client/storage*.test.ts'] },
  'src/ssh/authorized-keys.ts': { tests: ['__tests__/ssh/authorized-keys*.test.ts'] },
  'src/ssh/sshd-config.ts': { tests: ['__tests__/ssh/sshd-config*.test.ts'] },
  'actions/status/pod-state.ts': { tests: ['__tests__/status/pod-state.test.ts'] },
  'actions/status/reconstructions.ts': { tests: ['__tests__/status/pod-state.test.ts'] },
  'src/kubernetes/diff.ts': { tests: ['__tests__/kubernetes/diff.test.ts'] },
  'src/kubernetes/release.ts': { tests: ['__tests__/kubernetes/release.test.ts'] },
  // The decisions whose mistake is a deployment silently skipped, through the bundled action:
  // the owner tags, the Kubernetes version, identity, SKU and kind. (A region change never gets
  // here: the action refuses it before comparing, which change-detection shows too.)
  'provision-cluster:cluster-diff': {
    tests: ['__tests__/provision-cluster/change-detection.test.ts'],
    cluster: true,
    bundle: { action: 'provision-cluster', module: 'src/azure/cluster-diff.ts', lines: '32-41' }
  }
};

interface Equivalent {
  readonly module: string;
  readonly mutator: string;
  /** The source text the mutant replaces. */
  readonly original: string;
  readonly replacement: string;
  /** Where, when the same text is mutated elsewhere in the module too. */
  readonly lines?: readonly number[];
  readonly reason: string;
}

function equivalents(): Equivalent[] {
  const file = join(root, 'stryker.equivalents.yaml');
  return ((parse(readFileSync(file, 'utf8')) as { equivalents?: Equivalent[] }).equivalents ??
    []) as Equivalent[];
}

function resolveModule(arg: string): string {
  const names = Object.keys(MODULES);
  const exact = names.find(
    name => name === arg || name === `src/${arg}` || name === `src/${arg}.ts`
  );
  if (exact) return exact;
  const matches = names.filter(name => name.endsWith(`/${arg}.ts`) || name.endsWith(`/${arg}`));
  if (matches.length === 1) return matches[0] as string;
  throw new Error(
    `${JSON.stringify(arg)} is not one module of: ${names.join(', ')}` +
      (matches.length > 1 ? ` (it matches ${matches.join(', ')})` : '')
  );
}

const slug = (name: string): string => name.replace(/^src\//, '').replace(/[/.:]/g, '-');

/** The source text a mutant replaces. */
function originalText(mutant: MutantResult): string {
  const lines = readFileSync(join(root, mutant.fileName), 'utf8').split('\n');
  const { start, end } = mutant.location;
  const taken = lines.slice(start.line - 1, end.line);
  taken[taken.length - 1] = (taken[taken.length - 1] as string).slice(
    0,
    start.line === end.line ? end.column - 1 : end.column - 1
  );
  taken[0] = (taken[0] as string).slice(start.column - 1);
  return taken.join('\n');
}

interface Score {
  readonly detected: number;
  readonly survived: MutantResult[];
  readonly noCoverage: MutantResult[];
  readonly percent: number;
}

function score(results: readonly MutantResult[]): Score {
  const detected = results.filter(r => r.status === 'Killed' || r.status === 'Timeout').length;
  const survived = results.filter(r => r.status === 'Survived');
  const noCoverage = results.filter(r => r.status === 'NoCoverage');
  const total = detected + survived.length + noCoverage.length;
  return { detected, survived, noCoverage, percent: total ? (100 * detected) / total : 100 };
}

async function run(name: string): Promise<boolean> {
  const { tests, cluster, bundle } = MODULES[name] as Module;
  const module = bundle?.module ?? name;
  if (cluster && !process.env.GADGETRON_TEST_CLUSTER) {
    throw new Error(
      `${name} needs a running cluster: npm run cluster -- up --dir DIR, then export GADGETRON_TEST_CLUSTER=DIR`
    );
  }
  mkdirSync(REPORTS, { recursive: true });
  // The tests run in a copy of the repository under .stryker-tmp/, where ../shared is not
  // beside it: the ARM emulator finds Azure's schemas through the variable instead.
  process.env.AZURE_SCHEMAS_DIR ??= join(root, '..', 'shared', 'azure-schemas');
  const base = join(REPORTS, slug(name));
  const stryker = new Stryker({
    force,
    mutate: [bundle ? `${module}:${bundle.lines}` : module],
    ...(bundle
      ? { buildCommand: `node tools/build.ts ${bundle.action}`, coverageAnalysis: 'off' as const }
      : {}),
    incrementalFile: relative(root, `${base}.incremental.json`),
    jsonReporter: { fileName: relative(root, `${base}.json`) },
    jest: {
      projectType: 'custom',
      configFile: 'jest.config.js',
      enableFindRelatedTests: false,
      config: {
        roots: ['<rootDir>/__tests__'],
        testMatch: tests.map(t => `<rootDir>/${t}`),
        // Unit tests need no cluster; starting one for each test run would cost seconds each.
        ...(cluster ? {} : { globalSetup: null, globalTeardown: null })
      }
    }
  });
  const results = await stryker.runMutationTest();
  const mine = results.filter(r => r.fileName === module || relative(root, r.fileName) === module);
  const s = score(mine);
  const listed = equivalents().filter(e => e.module === name);
  const unlisted = [...s.survived, ...s.noCoverage].filter(mutant => {
    const original = originalText({ ...mutant, fileName: module });
    return !listed.some(
      e =>
        e.mutator === mutant.mutatorName &&
        e.original.trim() === original.trim() &&
        e.replacement.trim() === (mutant.replacement ?? '').trim() &&
        (!e.lines || e.lines.includes(mutant.location.start.line))
    );
  });
  writeFileSync(
    `${base}.score.json`,
    `${JSON.stringify({ module: name, detected: s.detected, survived: s.survived.length, noCoverage: s.noCoverage.length, percent: Number(s.percent.toFixed(2)) }, null, 2)}\n`
  );
  console.log(
    `\n${name}: ${s.percent.toFixed(1)} % detected (${s.detected} killed or timed out, ${s.survived.length} survived, ${s.noCoverage.length} not covered)`
  );
  for (const mutant of unlisted) {
    console.log(
      `  not in stryker.equivalents.yaml: line ${mutant.location.start.line} ${mutant.mutatorName}: ${JSON.stringify(originalText({ ...mutant, fileName: module }))} → ${JSON.stringify(mutant.replacement)} (${mutant.status})`
    );
  }
  const ok = s.percent >= THRESHOLD && unlisted.length === 0;
  if (!ok) console.log(`  FAILED: needs ${THRESHOLD} % and every survivor listed as equivalent`);
  return ok;
}

function lastScores(): void {
  console.log('Last scores (npm run mutation -- <module> runs one):');
  for (const module of Object.keys(MODULES)) {
    const file = join(REPORTS, `${slug(module)}.score.json`);
    const text = existsSync(file)
      ? (() => {
          const s = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
          return `${s.percent} % (${s.detected} detected, ${s.survived} survived, ${s.noCoverage} not covered)`;
        })()
      : 'not run yet';
    console.log(`  ${module.padEnd(36)} ${text}`);
  }
}

const args = process.argv.slice(2).filter(arg => arg !== '--force');
// --force tests every mutant again. Stryker keeps a result while the mutant's code and the tests
// that covered it are unchanged, so a mutant that only a new test detects needs it.
const force = process.argv.includes('--force');
if (args.length === 0) {
  lastScores();
} else {
  let ok = true;
  // One after the other, never in parallel: each run already uses the configured concurrency.
  for (const module of args.map(resolveModule)) ok = (await run(module)) && ok;
  process.exitCode = ok ? 0 : 1;
}
