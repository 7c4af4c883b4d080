import * as k8s from '@kubernetes/client-node';

/**
 * Keeps a list+watch of one resource running for the life of the process: an informer that
 * ends with an error is started again after a short pause.
 */
export function keepInformed<T extends k8s.KubernetesObject>(
  kc: k8s.KubeConfig,
  path: string,
  list: () => Promise<k8s.KubernetesListObject<T>>,
  onChange: (object: T) => void
): k8s.Informer<T> & k8s.ObjectCache<T> {
  const informer = k8s.makeInformer<T>(kc, path, list);
  informer.on('add', onChange);
  informer.on('update', onChange);
  informer.on('error', () => {
    setTimeout(() => void informer.start().catch(() => {}), 1000);
  });
  void informer.start().catch(() => {});
  return informer;
}

export const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export function later(ms: number, what: () => Promise<unknown>): void {
  setTimeout(() => void what().catch(error => console.error(String(error))), ms);
}
