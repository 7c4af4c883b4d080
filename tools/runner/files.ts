/**
 * Parses the files the runner hands to a step (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE):
 * `name=value` lines, or `name<<DELIMITER` followed by lines up to the delimiter.
 */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] as string);
      if (i >= lines.length)
        throw new Error(`unterminated value for ${name}: no line '${delimiter}'`);
      values[name] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`malformed line in a command file: ${line.slice(0, 40)}`);
    values[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return values;
}
