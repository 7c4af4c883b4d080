/** Job summaries of a sandbox run written as files: Markdown as GitHub stores it, and HTML. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import type { WorkflowResult } from '../workflow-runner/index.ts';

/** The run's summaries, one section per step that wrote one, in the order GitHub lists them. */
export function summaryMarkdown(name: string, result: WorkflowResult): string {
  const sections = result.steps
    .filter(step => step.summary.trim())
    .map(step => `<!-- ${step.job} › ${step.step} -->\n\n${step.summary.trim()}\n`);
  const status = result.ok ? 'succeeded' : 'failed';
  return `# ${name}: ${status}\n\n${sections.join('\n') || 'No step wrote a summary.\n'}`;
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}
pre,code{background:#f4f4f4}pre{padding:.5rem;overflow-x:auto}`;

export function summaryHtml(name: string, markdown: string): string {
  const body = marked.parse(markdown, { async: false, gfm: true });
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(name)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n${body}</body>\n</html>\n`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c
  );
}

/** Writes NAME.md and NAME.html into `dir`; returns both paths. */
export function writeSummaries(dir: string, name: string, result: WorkflowResult): string[] {
  mkdirSync(dir, { recursive: true });
  const markdown = summaryMarkdown(name, result);
  const md = join(dir, `${name}.md`);
  const html = join(dir, `${name}.html`);
  writeFileSync(md, markdown);
  writeFileSync(html, summaryHtml(name, markdown));
  return [md, html];
}
