/**
 * The runner's workflow commands (`::error title=...::message`), written directly.
 * @actions/core does the same, but loading it pulls in its HTTP client and takes longer than
 * everything else a failing input check does; this keeps the first line of output fast.
 */

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function issueCommand(
  command: string,
  properties: Record<string, string>,
  message: string
): void {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  process.stdout.write(`::${command}${props ? ` ${props}` : ''}::${escapeData(message)}\n`);
}

/** Marks the step failed, as core.setFailed does: an error annotation and exit code 1. */
export function fail(message: string): void {
  process.exitCode = 1;
  issueCommand('error', {}, message);
}
