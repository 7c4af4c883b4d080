import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Template = Record<string, unknown> & {
  resources: TemplateResource[];
  parameters?: Record<string, unknown>;
};

export interface TemplateResource {
  type: string;
  apiVersion: string;
  name: string;
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * The directory holding manifests/azure. The runner checks out the action's whole repository,
 * so both the sources and the bundle in actions/<name>/dist find it by walking up.
 */
export function templatesDirectory(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'manifests', 'azure');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`manifests/azure was not found above ${from}`);
  }
}

/** Reads one of the suite's ARM templates, e.g. `aks-cluster`. */
export function loadTemplate(name: string, dir: string = templatesDirectory()): Template {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Template;
}

/** The template's resource of a type; its apiVersion is the one to read the live resource with. */
export function templateResource(template: Template, type: string): TemplateResource {
  const resource = template.resources.find(r => r.type.toLowerCase() === type.toLowerCase());
  if (!resource) throw new Error(`The template declares no ${type}`);
  return resource;
}

/** ARM parameter values: `{ name: { value } }`, only for parameters the template declares. */
export function templateParameters(
  template: Template,
  values: Record<string, unknown>
): Record<string, { value: unknown }> {
  const declared = template.parameters ?? {};
  const parameters: Record<string, { value: unknown }> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (!(name in declared)) throw new Error(`The template has no parameter ${name}`);
    parameters[name] = { value };
  }
  return parameters;
}
