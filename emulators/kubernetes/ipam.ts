/** Hands out fake addresses and ports; nothing is ever bound to them. */
export class Addresses {
  #nextClusterIp = 10;
  #nextPodIp = 2;
  #nextLbIp = 10;
  #nextNodePort = 30000;
  readonly #usedNodePorts = new Set<number>();

  clusterIp(): string {
    const n = this.#nextClusterIp++;
    return `10.96.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`;
  }

  podIp(): string {
    const n = this.#nextPodIp++;
    return `10.244.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`;
  }

  /** Load balancer addresses come from TEST-NET-3 (203.0.113.0/24), reserved for documentation. */
  loadBalancerIp(): string {
    const n = this.#nextLbIp++;
    return `203.0.113.${(n % 254) + 1}`;
  }

  nodePort(): number {
    while (this.#usedNodePorts.has(this.#nextNodePort)) this.#nextNodePort++;
    const port = this.#nextNodePort++;
    this.#usedNodePorts.add(port);
    return port;
  }

  reserveNodePort(port: number): void {
    this.#usedNodePorts.add(port);
  }
}
