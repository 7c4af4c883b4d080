/**
 * Reconstructions in flight on one Gadgetron, from its log. Gadgetron 4 has no endpoint that
 * tells (its REST API went in 2019); each connection's process logs `Connection state: [STREAM]`
 * when a reconstruction starts and `Connection state: [FINISHED]` when it ends. Kubelets rotate
 * container logs (10 MiB by default), so an end can show without its start: it is not counted
 * below zero.
 */
const STARTED = 'Connection state: [STREAM]';
const FINISHED = 'Connection state: [FINISHED]';

export function reconstructionsInFlight(log: string): number {
  let open = 0;
  for (const line of log.split('\n')) {
    if (line.includes(STARTED)) open += 1;
    else if (line.includes(FINISHED)) open = Math.max(0, open - 1);
  }
  return open;
}
