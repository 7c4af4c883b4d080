/** Multi-document YAML that reads back the same under YAML 1.2 and 1.1 parsers. */
import type { KubernetesObject } from '@kubernetes/client-node';
import { Document, parse, visit } from 'yaml';

/**
 * kubectl reads YAML 1.1, where plain `yes`, `on`, `1:20` or `1_000` are not strings;
 * the yaml package writes YAML 1.2 and leaves them unquoted. Strings that either version
 * would read as something else are therefore double-quoted.
 */
function readsAsString(text: string): boolean {
  try {
    return typeof parse(text) === 'string' && typeof parse(text, { version: '1.1' }) === 'string';
  } catch {
    return false;
  }
}

function toDocument(object: KubernetesObject): string {
  const doc = new Document(object);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || node.value.includes('\n')) return;
      if (!readsAsString(node.value)) node.type = 'QUOTE_DOUBLE';
    }
  });
  // lineWidth 0: never fold long values (commands, URLs) across lines.
  return doc.toString({ lineWidth: 0 });
}

export function toYaml(objects: readonly KubernetesObject[]): string {
  return objects.map(toDocument).join('---\n');
}
