type IdleListener = (namespace: string, podName: string) => void;

interface Handle {
  open: boolean;
}

/** Simulated in-flight reconstructions: TCP connections to a pod's :9002. */
export class Connections {
  readonly #handles = new Map<string, Set<Handle>>();
  readonly #idleListeners = new Set<IdleListener>();

  #key(namespace: string, podName: string): string {
    return `${namespace}/${podName}`;
  }

  open(namespace: string, podName: string): { close(): void } {
    const key = this.#key(namespace, podName);
    const handles = this.#handles.get(key) ?? new Set<Handle>();
    this.#handles.set(key, handles);
    const handle: Handle = { open: true };
    handles.add(handle);
    return {
      close: () => {
        if (!handle.open) return;
        handle.open = false;
        handles.delete(handle);
        if (handles.size === 0) {
          this.#handles.delete(key);
          for (const listener of [...this.#idleListeners]) listener(namespace, podName);
        }
      }
    };
  }

  count(namespace: string, podName: string): number {
    return this.#handles.get(this.#key(namespace, podName))?.size ?? 0;
  }

  /** Drops every connection of a pod (its container was killed); returns how many there were. */
  cut(namespace: string, podName: string): number {
    const key = this.#key(namespace, podName);
    const handles = this.#handles.get(key);
    if (!handles) return 0;
    for (const h of handles) h.open = false;
    this.#handles.delete(key);
    return handles.size;
  }

  onIdle(listener: IdleListener): () => void {
    this.#idleListeners.add(listener);
    return () => this.#idleListeners.delete(listener);
  }
}
