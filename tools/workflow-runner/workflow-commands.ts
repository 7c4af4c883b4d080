/** Parsing of `::command key=value::message` lines written by actions to stdout/stderr. */

export interface WorkflowCommand {
  name: string;
  properties: Record<string, string>;
  message: string;
}

const COMMAND = /^::([A-Za-z][\w-]*)(?: ([^:]*))?::(.*)$/;

function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

export function parseWorkflowCommand(line: string): WorkflowCommand | undefined {
  const match = COMMAND.exec(line.trim());
  if (!match) return undefined;
  const properties: Record<string, string> = {};
  for (const pair of (match[2] ?? '').split(',')) {
    const equals = pair.indexOf('=');
    if (equals > 0)
      properties[pair.slice(0, equals).trim()] = unescapeProperty(pair.slice(equals + 1));
  }
  return { name: match[1] ?? '', properties, message: unescapeData(match[3] ?? '') };
}
