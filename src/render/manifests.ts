/**
 * Loads a kustomize base under manifests/ (manifests/gadgetron/ unless told otherwise) as
 * plain objects, the way `kubectl kustomize` would for these bases: their resources, the
 * ConfigMaps of their configMapGenerator (which must disable the name hash) and their
 * namespace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';

/**
 * A base's directory: the nearest manifests/BASE/ above `from` (this module), where BASE
 * is `gadgetron` unless given.
 * The module runs from src/render/ and, bundled, from actions/deploy-gadgetron/dist/,
 * which sit at different depths below the repository root, so the directory is looked
 * up instead of being a fixed relative path. (A runner checks out the whole repository
 * of an action, so the base is there next to the bundle.)
 */
export function defaultManifestsDir(from: URL = new URL(import.meta.url), base = 'gadgetron'): URL {
  let dir = new URL('./', from);
  while (!existsSync(new URL(`manifests/${base}/kustomization.yaml`, dir))) {
    const parent = new URL('../', dir);
    if (parent.href === dir.href) {
      throw new Error(`no manifests/${base}/kustomization.yaml above ${fileURLToPath(from)}`);
    }
    dir = parent;
  }
  return new URL(`manifests/${base}/`, dir);
}

interface ConfigMapGenerator {
  name: string;
  files?: string[];
  literals?: string[];
  options?: { disableNameSuffixHash?: boolean; labels?: Record<string, string> };
}

interface Kustomization {
  namespace?: string;
  resources?: string[];
  configMapGenerator?: ConfigMapGenerator[];
}

function asDirUrl(dir: URL | string): URL {
  const url = dir instanceof URL ? dir : pathToFileURL(resolve(dir));
  return url.href.endsWith('/') ? url : new URL(`${url.href}/`);
}

function readText(dir: URL, file: string): string {
  return readFileSync(new URL(file, dir), 'utf8');
}

function parseObjects(text: string, file: string): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue; // empty document
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`${file}: a document is not a Kubernetes object`);
    }
    objects.push(value as KubernetesObject);
  }
  return objects;
}

/** "key=path" or "path" (the key is then the file's base name). */
function splitFileSource(source: string): [string, string] {
  const eq = source.indexOf('=');
  if (eq > 0) return [source.slice(0, eq), source.slice(eq + 1)];
  return [source.slice(source.lastIndexOf('/') + 1), source];
}

function generateConfigMap(dir: URL, generator: ConfigMapGenerator): KubernetesObject {
  if (generator.options?.disableNameSuffixHash !== true) {
    // A hashed name would change with every edit of the scripts and break the reference
    // from the Deployment, which this loader does not rewrite.
    throw new Error(`configMapGenerator ${generator.name}: disableNameSuffixHash must be true`);
  }
  const data: Record<string, string> = {};
  for (const source of generator.files ?? []) {
    const [key, path] = splitFileSource(source);
    data[key] = readText(dir, path);
  }
  for (const literal of generator.literals ?? []) {
    const [key, value] = splitFileSource(literal);
    data[key] = value;
  }
  const labels = generator.options.labels;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: generator.name, ...(labels ? { labels: { ...labels } } : {}) },
    data
  } as KubernetesObject;
}

/** Every object of the base, generated ConfigMaps first, namespaced as the base says. */
export function loadBase(dir: URL | string = defaultManifestsDir()): KubernetesObject[] {
  const dirUrl = asDirUrl(dir);
  const kustomization = parse(readText(dirUrl, 'kustomization.yaml')) as Kustomization;
  const objects = [
    ...(kustomization.configMapGenerator ?? []).map(g => generateConfigMap(dirUrl, g)),
    ...(kustomization.resources ?? []).flatMap(file => parseObjects(readText(dirUrl, file), file))
  ];
  if (kustomization.namespace) {
    for (const object of objects) {
      object.metadata = { ...object.metadata, namespace: kustomization.namespace };
    }
  }
  return objects;
}
