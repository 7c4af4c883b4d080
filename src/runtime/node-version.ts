// Loaded before anything else of an action, so it uses nothing a newer Node added: on an
// older Node it must get as far as printing its message.

/** The oldest Node.js major the actions run on: action.yml says node24, package.json agrees. */
export const MINIMUM_NODE_MAJOR = 24;

/** Why this Node.js cannot run the actions, or undefined when it can. */
export function unsupportedNode(version: string = process.versions.node): string | undefined {
  const major = Number(version.split('.')[0]);
  if (Number.isInteger(major) && major >= MINIMUM_NODE_MAJOR) return undefined;
  return (
    `This action needs Node.js ${MINIMUM_NODE_MAJOR} or newer (action.yml: runs.using node${MINIMUM_NODE_MAJOR}) ` +
    `but runs on Node.js ${version}. On GitHub-hosted runners this is automatic; on a self-hosted ` +
    `or local runner, install Node.js ${MINIMUM_NODE_MAJOR} or update the runner.`
  );
}

/**
 * True when the actions can run here; otherwise reports the error as the runner expects and
 * sets a failing exit code.
 */
export function checkNodeVersion(): boolean {
  const problem = unsupportedNode();
  if (problem === undefined) return true;
  process.stdout.write(`::error title=Unsupported Node.js::${problem}\n`);
  process.exitCode = 1;
  return false;
}
