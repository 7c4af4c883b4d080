/** Small Markdown builders for job summaries; cells are escaped so no input can break a table. */

export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

/**
 * A step's facts as a list of `**Key:** value` lines: a two-column table would need a header
 * row, and an empty one renders as a blank bar above the facts.
 */
export function facts(rows: readonly (readonly [string, string])[]): string {
  return rows.map(([key, value]) => `- **${key}:** ${value.replace(/\r?\n/g, '<br>')}`).join('\n');
}

/** A collapsed block: the summary stays short, the detail is one click away. */
export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

export function code(text: string): string {
  const fence = text.includes('```') ? '~~~' : '```';
  return `${fence}\n${text}\n${fence}`;
}

export function inlineCode(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
