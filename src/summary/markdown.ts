/** Small Markdown builders for job summaries; cells are escaped so no input can break a table. */

export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** Two-column key/value table, the usual shape of a step's facts. */
export function facts(rows: readonly (readonly [string, string])[]): string {
  return table(['', ''], rows);
}

export function code(text: string): string {
  const fence = text.includes('```') ? '~~~' : '```';
  return `${fence}\n${text}\n${fence}`;
}

export function inlineCode(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
