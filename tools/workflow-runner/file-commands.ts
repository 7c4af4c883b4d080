/**
 * Parsing of the runner's file commands: GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE hold
 * `name=value` lines or `name<<DELIMITER` heredocs; GITHUB_PATH holds one directory a line.
 */
import { WorkflowError } from './errors.ts';

export function parseKeyValueFile(content: string, label: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (delimiter === '') throw new WorkflowError(`${label}: empty delimiter for '${name}'`);
      const end = lines.indexOf(delimiter, i + 1);
      if (end < 0) throw new WorkflowError(`${label}: matching delimiter not found '${delimiter}'`);
      result[name] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (equals > 0) {
      result[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new WorkflowError(`${label}: invalid line '${line}'`);
    }
  }
  return result;
}

export function parsePathFile(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '');
}
