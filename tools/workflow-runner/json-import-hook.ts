/**
 * @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`, which
 * Node's ESM loader rejects. This in-thread resolve hook adds the attribute for JSON files
 * inside that package only. Importing this module registers the hook, so it also works as
 * `node --import ./tools/workflow-runner/json-import-hook.ts`.
 *
 * Module systems that load modules themselves (Jest's ESM runtime) refuse loader hooks and
 * accept such JSON imports on their own; there the hook is simply not needed.
 */
import { registerHooks } from 'node:module';
import type { ImportAttributes } from 'node:module';

const PACKAGE_DIR = '/node_modules/@actions/workflow-parser/';
const REGISTERED = Symbol.for('workflow-runner.json-import-hook');

export function needsJsonAttribute(url: string, attributes: ImportAttributes | undefined): boolean {
  return url.includes(PACKAGE_DIR) && url.endsWith('.json') && attributes?.type === undefined;
}

export function registerJsonImportHook(): void {
  const registry = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (registry[REGISTERED]) return;
  registry[REGISTERED] = true;
  try {
    registerHooks({
      resolve(specifier, context, nextResolve) {
        const resolved = nextResolve(specifier, context);
        if (!needsJsonAttribute(resolved.url, context.importAttributes)) return resolved;
        return { ...resolved, importAttributes: { ...context.importAttributes, type: 'json' } };
      }
    });
  } catch {
    // the host module system refuses hooks; it then resolves the imports itself
  }
}

registerJsonImportHook();
