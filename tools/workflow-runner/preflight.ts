/**
 * Checks made before anything runs, so a broken workflow fails fast with a precise reason:
 * action inputs passed via `with:` must be declared in the action's metadata, every
 * `steps.<id>.outputs.<name>` / `needs.<job>.outputs.<name>` read must be declared by the
 * action / job that would provide it, and only locally runnable features may be used.
 */
import { TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import { isBasicExpression } from '@actions/workflow-parser/templates/tokens/type-guards';
import { analyzeExpression } from './references.ts';
import { UNSUPPORTED_FUNCTIONS } from './expressions.ts';
import { WorkflowError } from './errors.ts';
import { entries } from './raw.ts';
import { isLocalReference, loadLocalAction } from './local-action.ts';
import type { LocalAction } from './local-action.ts';
import { calledWorkflowPath, loadWorkflow } from './workflow-file.ts';
import { stepLabel } from './labels.ts';
import type { CallJobModel, JobModel, StepModel, StepsJobModel, WorkflowModel } from './model.ts';
import type { StandIn } from './types.ts';
import { findStandIn } from './stand-ins.ts';

export interface Preflight {
  /** Local actions by `uses:` value. */
  actions: Map<string, LocalAction>;
  /** Called workflows by `uses:` value. */
  called: Map<string, WorkflowModel>;
}

interface Reader {
  where: string;
  /** Absent for `on.workflow_call.outputs`, which sees no job. */
  job?: JobModel;
  /** Steps whose outputs may be read; all of the job's steps for job outputs. */
  visibleSteps: StepModel[];
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const listed = (names: string[]): string => (names.length ? names.join(', ') : 'none');

function expressionsIn(token: TemplateToken): string[] {
  const found: string[] = [];
  for (const [, item] of TemplateToken.traverse(token)) {
    if (isBasicExpression(item)) found.push(item.expression);
  }
  return found;
}

export function jobOutputNames(job: JobModel, called: Map<string, WorkflowModel>): string[] {
  if (job.kind === 'call') return Object.keys(called.get(job.uses)?.callOutputs ?? {});
  return job.outputs ? entries(job.outputs).map(([name]) => name) : [];
}

class Checker {
  private readonly model: WorkflowModel;
  private readonly pre: Preflight;

  constructor(model: WorkflowModel, pre: Preflight) {
    this.model = model;
    this.pre = pre;
  }

  expression(source: string, reader: Reader): void {
    const facts = analyzeExpression(source);
    for (const fn of facts.functions) {
      if (UNSUPPORTED_FUNCTIONS.has(fn)) {
        throw new WorkflowError(
          `${reader.where}: ${fn}() is unsupported by the local workflow runner`
        );
      }
    }
    for (const path of facts.paths) this.path(path, reader);
  }

  private path(path: string[], reader: Reader): void {
    const [context, name, property, key] = path.map(p => p.toLowerCase());
    const shown = path.join('.');
    if (name === undefined) return;
    if (context === 'steps') this.stepPath(reader, path, shown, property, key);
    else if (context === 'needs') this.needsPath(reader, path, shown, property, key);
    else if (context === 'inputs') this.inputPath(reader, name, shown);
    else if (context === 'jobs') this.jobsPath(reader, path, shown, property, key);
  }

  private stepPath(
    reader: Reader,
    path: string[],
    shown: string,
    property?: string,
    key?: string
  ): void {
    const id = path[1] ?? '';
    if (!reader.job) return;
    const step = reader.visibleSteps.find(s => s.id !== undefined && same(s.id, id));
    if (!step) {
      throw new WorkflowError(
        `${reader.where} reads ${shown}, but job '${reader.job.id}' has no earlier step with id '${id}'`
      );
    }
    if (property === undefined) return;
    if (!['outputs', 'outcome', 'conclusion'].includes(property)) {
      throw new WorkflowError(
        `${reader.where} reads ${shown}: steps have no property '${path[2]}'`
      );
    }
    if (property !== 'outputs' || key === undefined || !step.uses) return;
    const action = this.pre.actions.get(step.uses);
    if (action && !action.outputs.some(o => same(o, key))) {
      throw new WorkflowError(
        `${reader.where} reads ${shown}, which action ${action.ref} does not declare (it declares: ${listed(action.outputs)})`
      );
    }
  }

  private needsPath(
    reader: Reader,
    path: string[],
    shown: string,
    property?: string,
    key?: string
  ): void {
    const id = path[1] ?? '';
    if (!reader.job) return;
    if (!reader.job.needs.some(n => same(n, id))) {
      throw new WorkflowError(
        `${reader.where} reads ${shown}, but job '${reader.job.id}' does not list '${id}' in needs`
      );
    }
    this.jobOutput(reader, path, shown, ['outputs', 'result'], property, key);
  }

  private jobsPath(
    reader: Reader,
    path: string[],
    shown: string,
    property?: string,
    key?: string
  ): void {
    const id = path[1] ?? '';
    if (!this.model.jobs.some(j => same(j.id, id))) {
      throw new WorkflowError(`${reader.where} reads ${shown}, but there is no job '${id}'`);
    }
    this.jobOutput(reader, path, shown, ['outputs', 'result'], property, key);
  }

  private jobOutput(
    reader: Reader,
    path: string[],
    shown: string,
    properties: string[],
    property?: string,
    key?: string
  ): void {
    if (property === undefined) return;
    if (!properties.includes(property)) {
      throw new WorkflowError(`${reader.where} reads ${shown}: jobs have no property '${path[2]}'`);
    }
    const target = this.model.jobs.find(j => same(j.id, path[1] ?? ''));
    if (property !== 'outputs' || key === undefined || !target) return;
    const declared = jobOutputNames(target, this.pre.called);
    if (!declared.some(o => same(o, key))) {
      throw new WorkflowError(
        `${reader.where} reads ${shown}, which job '${target.id}' does not declare (it declares: ${listed(declared)})`
      );
    }
  }

  private inputPath(reader: Reader, name: string, shown: string): void {
    const declared = [
      ...Object.keys(this.model.callInputs ?? {}),
      ...Object.keys(this.model.dispatchInputs ?? {})
    ];
    if (!declared.some(d => same(d, name))) {
      throw new WorkflowError(
        `${reader.where} reads ${shown}, which the workflow does not declare (it declares: ${listed(declared)})`
      );
    }
  }
}

async function loadStepAction(
  repoRoot: string,
  job: StepsJobModel,
  step: StepModel,
  index: number,
  pre: Preflight,
  standIns: Record<string, StandIn>
): Promise<void> {
  const uses = step.uses;
  if (!uses) return;
  const where = `job '${job.id}', step '${stepLabel(step, index)}'`;
  if (!isLocalReference(uses)) {
    if (uses.startsWith('docker://') || !findStandIn(standIns, uses)) {
      throw new WorkflowError(
        `${where} uses ${uses}: actions from other repositories are unsupported by the local workflow runner unless a stand-in is provided`
      );
    }
    return;
  }
  let action = pre.actions.get(uses);
  if (!action) {
    try {
      action = await loadLocalAction(repoRoot, uses);
    } catch (err) {
      throw new WorkflowError(`${where}: ${(err as Error).message}`);
    }
    pre.actions.set(uses, action);
  }
  const declared = [...action.inputs.keys()];
  for (const [input] of step.with ? entries(step.with) : []) {
    if (!declared.some(d => same(d, input))) {
      throw new WorkflowError(
        `${where} passes input '${input}', which action ${uses} does not declare (it declares: ${listed(declared)})`
      );
    }
  }
}

async function loadCalledWorkflow(
  repoRoot: string,
  job: CallJobModel,
  pre: Preflight
): Promise<void> {
  const where = `job '${job.id}'`;
  const called =
    pre.called.get(job.uses) ?? (await loadWorkflow(repoRoot, calledWorkflowPath(job.uses, where)));
  pre.called.set(job.uses, called);
  if (!called.callInputs) {
    throw new WorkflowError(`${where}: ${job.uses} is not callable (it has no on.workflow_call)`);
  }
  const inputs = called.callInputs;
  const passed = job.with ? entries(job.with).map(([name]) => name) : [];
  for (const name of passed) {
    if (!Object.keys(inputs).some(d => same(d, name))) {
      throw new WorkflowError(
        `${where} passes input '${name}', which ${job.uses} does not declare (it declares: ${listed(Object.keys(inputs))})`
      );
    }
  }
  const secrets = called.callSecrets ?? {};
  const passedSecrets = job.secrets ? entries(job.secrets).map(([name]) => name) : [];
  for (const name of passedSecrets) {
    if (!Object.keys(secrets).some(d => same(d, name))) {
      throw new WorkflowError(
        `${where} passes secret '${name}', which ${job.uses} does not declare (it declares: ${listed(Object.keys(secrets))})`
      );
    }
  }
}

function checkNeedsGraph(model: WorkflowModel): void {
  const ids = new Set(model.jobs.map(j => j.id));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      throw new WorkflowError(`jobs form a cycle through needs: ${[...trail, id].join(' -> ')}`);
    }
    state.set(id, 'visiting');
    for (const need of model.jobs.find(j => j.id === id)?.needs ?? []) {
      if (!ids.has(need)) throw new WorkflowError(`job '${id}' needs unknown job '${need}'`);
      visit(need, [...trail, id]);
    }
    state.set(id, 'done');
  };
  model.jobs.forEach(j => visit(j.id, []));
}

export async function preflight(
  repoRoot: string,
  model: WorkflowModel,
  standIns: Record<string, StandIn>
): Promise<Preflight> {
  checkNeedsGraph(model);
  const pre: Preflight = { actions: new Map(), called: new Map() };
  for (const job of model.jobs) {
    if (job.kind === 'call') await loadCalledWorkflow(repoRoot, job, pre);
    else {
      for (const [i, step] of job.steps.entries()) {
        await loadStepAction(repoRoot, job, step, i, pre, standIns);
      }
    }
  }
  const checker = new Checker(model, pre);
  for (const job of model.jobs) {
    const jobReader: Reader = {
      where: `job '${job.id}'`,
      job,
      visibleSteps: job.kind === 'steps' ? job.steps : []
    };
    checker.expression(job.if, jobReader);
    for (const [key, value] of entries(job.raw)) {
      if (key !== 'steps') expressionsIn(value).forEach(e => checker.expression(e, jobReader));
    }
    if (job.kind !== 'steps') continue;
    job.steps.forEach((step, i) => {
      const reader: Reader = {
        where: `job '${job.id}', step '${stepLabel(step, i)}'`,
        job,
        visibleSteps: job.steps.slice(0, i)
      };
      checker.expression(step.if, reader);
      expressionsIn(step.raw).forEach(e => checker.expression(e, reader));
    });
  }
  const outputsReader: Reader = { where: 'on.workflow_call.outputs', visibleSteps: [] };
  for (const value of Object.values(model.callOutputs ?? {})) {
    expressionsIn(value).forEach(e => checker.expression(e, outputsReader));
  }
  return pre;
}
