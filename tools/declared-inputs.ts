// The inputs an action declares in action.yml, as a TypeScript module the action imports
// (actions/<name>/declared-inputs.ts). GitHub's runner applies action.yml's defaults itself;
// other runners do not, so the action applies them from this copy. Written by `npm run build`,
// compared by `npm run check:bundle`: action.yml stays the one place a default is written.
import { format, resolveConfig } from 'prettier';
import type { ActionMetadata } from './runner/action-metadata.ts';

export const DECLARED_INPUTS_FILE = 'declared-inputs.ts';

/** The module's text, formatted as the repository's prettier settings ask (`path` finds them). */
export async function declaredInputsSource(
  metadata: ActionMetadata,
  path: string
): Promise<string> {
  const entries = Object.entries(metadata.inputs).map(([name, input]) => {
    const fields = [`required: ${input.required === true}`];
    if (input.default !== undefined)
      fields.push(`default: ${JSON.stringify(String(input.default))}`);
    return `  ${JSON.stringify(name)}: { ${fields.join(', ')} }`;
  });
  const source = [
    '// Generated from action.yml by `npm run build`; do not edit.',
    "import type { DeclaredInputs } from '../../src/inputs/declared.ts';",
    '',
    'export const DECLARED_INPUTS = {',
    entries.join(',\n'),
    '} as const satisfies DeclaredInputs;',
    ''
  ].join('\n');
  return format(source, { ...(await resolveConfig(path)), filepath: path });
}
