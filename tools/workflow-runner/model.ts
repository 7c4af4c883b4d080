/**
 * The runnable shape of a workflow: GitHub's converted template (job graph, `if:` conditions
 * with implied `success() &&`) joined with the raw tokens it leaves out (`with:`, `shell:`,
 * `timeout-minutes:`, `workflow_call.outputs`, ...). Anything outside the supported subset
 * is rejected here, by name.
 */
import type {
  Job,
  ReusableWorkflowJob,
  Step
} from '@actions/workflow-parser/model/workflow-template';
import type {
  MappingToken,
  ScalarToken,
  TemplateToken
} from '@actions/workflow-parser/templates/tokens/index';
import {
  isMapping,
  isSequence,
  isString
} from '@actions/workflow-parser/templates/tokens/type-guards';
import type { ParsedWorkflow } from './parser.ts';
import { WorkflowError, unsupported } from './errors.ts';
import {
  checkKeys,
  entries,
  find,
  findMapping,
  findSequence,
  literalBoolean,
  literalString
} from './raw.ts';

export type Shell = 'bash' | 'sh';

export interface RunDefaults {
  shell?: Shell;
  workingDirectory?: string;
}

export interface StepModel {
  /** Unique key within the job (GitHub's generated id when none is given). */
  key: string;
  /** The `id:` written in the workflow. */
  id?: string;
  name?: ScalarToken;
  if: string;
  run?: ScalarToken;
  uses?: string;
  with?: MappingToken;
  env?: MappingToken;
  shell?: Shell;
  workingDirectory?: TemplateToken;
  continueOnError?: TemplateToken;
  timeoutMinutes?: TemplateToken;
  raw: MappingToken;
}

interface JobBase {
  id: string;
  name?: ScalarToken;
  needs: string[];
  if: string;
  raw: MappingToken;
}

export interface StepsJobModel extends JobBase {
  kind: 'steps';
  env?: MappingToken;
  outputs?: MappingToken;
  steps: StepModel[];
  defaults: RunDefaults;
  timeoutMinutes?: TemplateToken;
  continueOnError?: TemplateToken;
}

export interface CallJobModel extends JobBase {
  kind: 'call';
  uses: string;
  with?: MappingToken;
  secrets?: MappingToken;
  inheritSecrets: boolean;
}

export type JobModel = StepsJobModel | CallJobModel;

export interface InputDeclaration {
  type: string;
  required: boolean;
  default?: TemplateToken;
  options?: string[];
}

export interface WorkflowModel {
  file: string;
  name: string;
  env?: MappingToken;
  callInputs?: Record<string, InputDeclaration>;
  dispatchInputs?: Record<string, InputDeclaration>;
  callSecrets?: Record<string, { required: boolean }>;
  /** `on.workflow_call.outputs.<name>.value` tokens. */
  callOutputs?: Record<string, TemplateToken>;
  jobs: JobModel[];
}

const WORKFLOW_KEYS = [
  'name',
  'run-name',
  'on',
  'permissions',
  'env',
  'defaults',
  'concurrency',
  'jobs'
];
const JOB_KEYS = [
  'name',
  'needs',
  'if',
  'runs-on',
  'permissions',
  'environment',
  'concurrency',
  'outputs',
  'env',
  'defaults',
  'steps',
  'timeout-minutes',
  'continue-on-error'
];
const CALL_JOB_KEYS = [
  'name',
  'needs',
  'if',
  'uses',
  'with',
  'secrets',
  'permissions',
  'concurrency'
];
const STEP_KEYS = [
  'id',
  'name',
  'if',
  'uses',
  'run',
  'with',
  'env',
  'shell',
  'working-directory',
  'continue-on-error',
  'timeout-minutes'
];
const INPUT_TYPES = ['string', 'boolean', 'number', 'choice', 'environment'];

function readShell(token: TemplateToken | undefined, where: string): Shell | undefined {
  const shell = literalString(token, `${where} shell`);
  if (shell === undefined) return undefined;
  if (shell === 'bash' || shell === 'sh') return shell;
  throw unsupported(`shell '${shell}' (only bash and sh)`, where);
}

function readDefaults(owner: MappingToken, where: string): RunDefaults {
  const defaults = findMapping(owner, 'defaults');
  if (!defaults) return {};
  checkKeys(defaults, ['run'], `${where} defaults`);
  const run = findMapping(defaults, 'run');
  if (!run) return {};
  checkKeys(run, ['shell', 'working-directory'], `${where} defaults.run`);
  const shell = readShell(find(run, 'shell'), `${where} defaults.run`);
  const workingDirectory = literalString(
    find(run, 'working-directory'),
    `${where} defaults.run.working-directory`
  );
  return { ...(shell && { shell }), ...(workingDirectory && { workingDirectory }) };
}

function readInputs(
  declared: boolean,
  event: MappingToken | undefined,
  where: string
): Record<string, InputDeclaration> | undefined {
  if (!declared) return undefined;
  const inputs = findMapping(event, 'inputs');
  if (!inputs) return {};
  const result: Record<string, InputDeclaration> = {};
  for (const [name, token] of entries(inputs)) {
    const decl = isMapping(token) ? token : undefined;
    const type = literalString(find(decl, 'type'), `${where} input '${name}' type`) ?? 'string';
    if (!INPUT_TYPES.includes(type))
      throw unsupported(`input type '${type}'`, `${where} input '${name}'`);
    const options = findSequence(decl, 'options');
    result[name] = {
      type,
      required: literalBoolean(find(decl, 'required')) ?? false,
      ...(find(decl, 'default') && { default: find(decl, 'default') }),
      ...(options && { options: [...options].map(o => o.toString()) })
    };
  }
  return result;
}

function readCallOutputs(
  call: MappingToken | undefined
): Record<string, TemplateToken> | undefined {
  const outputs = findMapping(call, 'outputs');
  if (!outputs) return undefined;
  const result: Record<string, TemplateToken> = {};
  for (const [name, token] of entries(outputs)) {
    const value = isMapping(token) ? find(token, 'value') : undefined;
    if (!value) throw new WorkflowError(`workflow_call output '${name}' has no value`);
    result[name] = value;
  }
  return result;
}

function readCallSecrets(
  call: MappingToken | undefined
): Record<string, { required: boolean }> | undefined {
  const secrets = findMapping(call, 'secrets');
  if (!secrets) return undefined;
  const result: Record<string, { required: boolean }> = {};
  for (const [name, token] of entries(secrets)) {
    result[name] = {
      required: isMapping(token) ? (literalBoolean(find(token, 'required')) ?? false) : false
    };
  }
  return result;
}

function buildStep(step: Step, raw: MappingToken, where: string): StepModel {
  checkKeys(raw, STEP_KEYS, where);
  if (!('run' in step) && !('uses' in step)) throw unsupported('a step without run or uses', where);
  const id = literalString(find(raw, 'id'), `${where} id`);
  const withToken = find(raw, 'with');
  if (withToken && !isMapping(withToken))
    throw new WorkflowError(`${where}: with must be a mapping`);
  const shell = readShell(find(raw, 'shell'), where);
  const model: StepModel = {
    key: step.id,
    if: step.if.expression,
    raw,
    ...(id && { id }),
    ...(step.name && { name: step.name }),
    ...(step.env && { env: step.env }),
    ...(withToken && { with: withToken }),
    ...(shell && { shell })
  };
  const workingDirectory = find(raw, 'working-directory');
  if (workingDirectory) model.workingDirectory = workingDirectory;
  const continueOnError = find(raw, 'continue-on-error');
  if (continueOnError) model.continueOnError = continueOnError;
  const timeoutMinutes = find(raw, 'timeout-minutes');
  if (timeoutMinutes) model.timeoutMinutes = timeoutMinutes;
  if ('run' in step) model.run = step.run;
  else model.uses = step.uses.value;
  return model;
}

function buildStepsJob(job: Job, raw: MappingToken): StepsJobModel {
  const where = `job '${job.id.value}'`;
  checkKeys(raw, JOB_KEYS, where);
  const rawSteps = findSequence(raw, 'steps');
  if (!rawSteps || rawSteps.count !== job.steps.length) {
    throw new WorkflowError(`${where}: could not read its steps`);
  }
  const steps = job.steps.map((step, i) => {
    const rawStep = rawSteps.get(i);
    if (!isMapping(rawStep)) throw new WorkflowError(`${where}: step ${i + 1} must be a mapping`);
    return buildStep(step, rawStep, `${where} step ${i + 1}`);
  });
  const model: StepsJobModel = {
    kind: 'steps',
    id: job.id.value,
    needs: (job.needs ?? []).map(n => n.value),
    if: job.if.expression,
    raw,
    steps,
    defaults: readDefaults(raw, where),
    ...(job.name && { name: job.name }),
    ...(job.env && { env: job.env }),
    ...(job.outputs && { outputs: job.outputs })
  };
  const timeoutMinutes = find(raw, 'timeout-minutes');
  if (timeoutMinutes) model.timeoutMinutes = timeoutMinutes;
  const continueOnError = find(raw, 'continue-on-error');
  if (continueOnError) model.continueOnError = continueOnError;
  return model;
}

function buildCallJob(job: ReusableWorkflowJob, raw: MappingToken): CallJobModel {
  const where = `job '${job.id.value}'`;
  checkKeys(raw, CALL_JOB_KEYS, where);
  const secrets = find(raw, 'secrets');
  return {
    kind: 'call',
    id: job.id.value,
    needs: (job.needs ?? []).map(n => n.value),
    if: job.if.expression,
    raw,
    uses: job.ref.value,
    inheritSecrets: secrets !== undefined && isString(secrets) && secrets.value === 'inherit',
    ...(job.name && { name: job.name }),
    ...(job['input-values'] && { with: job['input-values'] }),
    ...(job['secret-values'] && { secrets: job['secret-values'] })
  };
}

function eventMapping(root: MappingToken, event: string): MappingToken | undefined {
  const on = find(root, 'on');
  if (!on || !isMapping(on)) return undefined;
  return findMapping(on, event);
}

function hasEvent(root: MappingToken, event: string): boolean {
  const on = find(root, 'on');
  if (!on) return false;
  if (isString(on)) return on.value === event;
  if (isMapping(on)) return find(on, event) !== undefined;
  return isSequence(on) && [...on].some(t => t.toString() === event);
}

export function buildWorkflowModel(parsed: ParsedWorkflow, displayName: string): WorkflowModel {
  const { root, template } = parsed;
  checkKeys(root, WORKFLOW_KEYS, displayName);
  const rawJobs = findMapping(root, 'jobs');
  const jobs = template.jobs.map(job => {
    const raw = findMapping(rawJobs, job.id.value);
    if (!raw) throw new WorkflowError(`${displayName}: job '${job.id.value}' must be a mapping`);
    if (job.strategy) throw unsupported('strategy (matrix)', `job '${job.id.value}'`);
    return job.type === 'job' ? buildStepsJob(job, raw) : buildCallJob(job, raw);
  });
  const call = eventMapping(root, 'workflow_call');
  const dispatch = eventMapping(root, 'workflow_dispatch');
  const defaults = readDefaults(root, displayName);
  const model: WorkflowModel = {
    file: parsed.file,
    name: literalString(find(root, 'name'), `${displayName} name`) ?? displayName,
    jobs: jobs.map(job => (job.kind === 'steps' ? withDefaults(job, defaults) : job))
  };
  const env = findMapping(root, 'env');
  if (env) model.env = env;
  const callInputs = readInputs(hasEvent(root, 'workflow_call'), call, 'workflow_call');
  if (callInputs) model.callInputs = callInputs;
  const dispatchInputs = readInputs(
    hasEvent(root, 'workflow_dispatch'),
    dispatch,
    'workflow_dispatch'
  );
  if (dispatchInputs) model.dispatchInputs = dispatchInputs;
  const callSecrets = readCallSecrets(call);
  if (callSecrets) model.callSecrets = callSecrets;
  const callOutputs = readCallOutputs(call);
  if (callOutputs) model.callOutputs = callOutputs;
  return model;
}

function withDefaults(job: StepsJobModel, workflowDefaults: RunDefaults): StepsJobModel {
  return { ...job, defaults: { ...workflowDefaults, ...job.defaults } };
}
