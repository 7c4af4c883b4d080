/** The standard label that tells instances of the same application apart. */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** Sets the instance label wherever it occurs: labels, selectors, peer selectors. */
export function setInstanceLabel(node: unknown, instance: string): void {
  if (Array.isArray(node)) {
    for (const item of node) setInstanceLabel(item, instance);
  } else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (key === INSTANCE_LABEL && typeof value === 'string') record[key] = instance;
      else setInstanceLabel(value, instance);
    }
  }
}
