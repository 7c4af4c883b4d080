/** The `github` context of a local run: caller-supplied values over local defaults. */
import type { WorkflowModel } from './model.ts';
import type { GitHubContext } from './types.ts';
import type { InputValue } from './inputs.ts';

function defaultEvent(model: WorkflowModel): string {
  if (model.dispatchInputs) return 'workflow_dispatch';
  if (model.callInputs) return 'workflow_call';
  return 'push';
}

function refName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

export function githubContext(
  repoRoot: string,
  model: WorkflowModel,
  given: Partial<GitHubContext>,
  secrets: Record<string, string>
): GitHubContext {
  const ref = given.ref ?? 'refs/heads/main';
  const repository = given.repository ?? 'local/sandbox';
  return {
    event: {},
    ref,
    ref_name: refName(ref),
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    repository,
    repository_owner: repository.split('/')[0] ?? '',
    sha: '0'.repeat(40),
    actor: 'local',
    triggering_actor: 'local',
    run_id: String(Date.now()),
    run_number: '1',
    run_attempt: '1',
    server_url: 'https://github.com',
    api_url: 'https://api.github.com',
    graphql_url: 'https://api.github.com/graphql',
    head_ref: '',
    base_ref: '',
    workspace: repoRoot,
    workflow: model.name,
    token: secrets.GITHUB_TOKEN ?? '',
    ...given,
    event_name: given.event_name ?? defaultEvent(model)
  };
}

/** workflow_dispatch events carry their inputs as strings in `github.event.inputs`. */
export function withDispatchInputs(
  github: GitHubContext,
  inputs: Record<string, InputValue>
): GitHubContext {
  if (github.event_name !== 'workflow_dispatch' || 'inputs' in github.event) return github;
  const strings = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)]));
  return { ...github, event: { ...github.event, inputs: strings } };
}
