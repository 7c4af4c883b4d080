/** The sandbox's command line: options, --help, and errors a user can act on. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

export const USAGE = `Usage: npm run sandbox -- [options]

Runs the reusable workflows of .github/workflows/ as written, each action from its bundle,
against a local Azure Resource Manager emulator and a local Kubernetes cluster (a real control
plane with kwok nodes): stand-up, an upgrade for the release tag v4.7.3 (with a reconstruction
held open), the status while the old pod drains, and tear-down.

Options:
  --kubeconfig PATH   run the in-cluster part against a real cluster (kind, minikube, AKS)
                      behind the emulated Azure
  --keep              stop after stand-up and its status and leave the cluster up: prints how
                      to reach it, runs until Ctrl-C
  --workflow FILE     run your own caller workflow instead (e.g. a copy of examples/*.yml);
                      its uses: OWNER/gadgetron-actions/.github/workflows/NAME@REF run this
                      checkout's .github/workflows/NAME
  --inputs FILE       YAML or JSON mapping of the inputs for --workflow (workflow_dispatch)
  --out DIR           where the job summaries go, as Markdown and HTML (default .tmp/sandbox)
  -h, --help          this text
`;

export interface SandboxArgs {
  readonly kubeconfig?: string;
  readonly keep: boolean;
  readonly workflow?: string;
  readonly inputs: Record<string, string>;
  readonly out: string;
  readonly help: boolean;
}

/** A mistake in the command line, told as one line plus the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseSandboxArgs(argv: string[]): SandboxArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        kubeconfig: { type: 'string' },
        keep: { type: 'boolean', default: false },
        workflow: { type: 'string' },
        inputs: { type: 'string' },
        out: { type: 'string', default: '.tmp/sandbox' },
        help: { type: 'boolean', short: 'h', default: false }
      },
      strict: true,
      allowPositionals: false
    }));
  } catch (error) {
    // parseArgs explains well ("Unknown option '--kube'"); its stack trace does not help.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { keep: false, inputs: {}, out: values.out, help: true };
  if (values.kubeconfig !== undefined) kubeconfigFile(values.kubeconfig);
  if (values.inputs !== undefined && values.workflow === undefined) {
    throw new UsageError('--inputs gives the inputs of --workflow; give --workflow FILE too');
  }
  if (values.workflow !== undefined) readableFile(values.workflow, '--workflow');
  if (values.keep && values.workflow !== undefined) {
    throw new UsageError('--keep applies to the built-in stand-up; a --workflow run keeps nothing');
  }
  return {
    ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.workflow !== undefined ? { workflow: values.workflow } : {}),
    keep: values.keep,
    inputs: values.inputs === undefined ? {} : readInputsFile(values.inputs),
    out: values.out,
    help: false
  };
}

function readableFile(path: string, option: string): void {
  if (!existsSync(path)) throw new UsageError(`${option} ${path}: no such file`);
  if (!statSync(path).isFile()) throw new UsageError(`${option} ${path}: not a file`);
}

/** A file that looks like a kubeconfig: the emulated Azure hands it out as the cluster's. */
function kubeconfigFile(path: string): void {
  readableFile(path, '--kubeconfig');
  let data: unknown;
  try {
    data = parse(readFileSync(path, 'utf8'));
  } catch {
    data = undefined;
  }
  const clusters = (data as { clusters?: unknown } | undefined)?.clusters;
  if (!Array.isArray(clusters) || clusters.length === 0) {
    throw new UsageError(`--kubeconfig ${path}: not a kubeconfig (no clusters in it)`);
  }
}

/** A flat mapping of input names to scalars; values are passed on as text. */
function readInputsFile(path: string): Record<string, string> {
  readableFile(path, '--inputs');
  let data: unknown;
  try {
    data = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--inputs ${path}: not YAML or JSON (${(error as Error).message})`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`--inputs ${path}: expected a mapping of input names to values`);
  }
  const inputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(data)) {
    if (value !== null && typeof value === 'object') {
      throw new UsageError(`--inputs ${path}: input '${name}' must be a string, number or boolean`);
    }
    inputs[name] = value === null ? '' : String(value);
  }
  return inputs;
}
