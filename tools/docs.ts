// npm run docs: writes the inputs and outputs tables of each action's README.md from its
// action.yml, between marker comments. With --check, fails when a README is out of date.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readActionMetadata, type ActionMetadata } from './runner/action-metadata.ts';
import { table } from '../src/summary/markdown.ts';

const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const BEGIN =
  '<!-- action-docs: generated from action.yml by `npm run docs`; do not edit below -->';
const END = '<!-- action-docs: end -->';

export function referenceSection(action: string, metadata: ActionMetadata): string {
  const inputs = Object.entries(metadata.inputs).map(([name, input]) => [
    `\`${name}\``,
    input.required ? 'yes' : 'no',
    input.default === undefined || input.default === '' ? '' : `\`${input.default}\``,
    (input.description ?? '').trim()
  ]);
  const outputs = Object.entries(metadata.outputs).map(([name, output]) => [
    `\`${name}\``,
    (output.description ?? '').trim()
  ]);
  return [
    BEGIN,
    '',
    '## Inputs',
    '',
    inputs.length ? table(['Name', 'Required', 'Default', 'Description'], inputs) : 'None.',
    '',
    '## Outputs',
    '',
    outputs.length ? table(['Name', 'Description'], outputs) : 'None.',
    '',
    `Runs on \`${metadata.runs.using}\`. Use it as \`uses: OWNER/gadgetron-actions/actions/${action}@v1\`.`,
    '',
    END
  ].join('\n');
}

function updatedReadme(current: string, action: string, metadata: ActionMetadata): string {
  const section = referenceSection(action, metadata);
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (start >= 0 && end > start)
    return `${current.slice(0, start)}${section}${current.slice(end + END.length)}`;
  const intro = current.trim() || `# ${metadata.name}\n\n${metadata.description.trim()}`;
  return `${intro}\n\n${section}\n`;
}

let stale = 0;
for (const action of readdirSync(join(root, 'actions')).sort()) {
  const dir = join(root, 'actions', action);
  if (!existsSync(join(dir, 'action.yml'))) continue;
  const readmePath = join(dir, 'README.md');
  const current = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
  const next = updatedReadme(current, action, readActionMetadata(dir));
  if (next === current) continue;
  if (check) {
    stale++;
    console.error(`actions/${action}/README.md is out of date with action.yml: run npm run docs`);
  } else {
    writeFileSync(readmePath, next);
    console.log(`actions/${action}/README.md updated`);
  }
}
process.exit(stale > 0 ? 1 : 0);
