import type { ArmFault, FaultMatch } from './types.ts';

type RequestFault = Extract<ArmFault, { type: 'status' | 'reset' | 'busy' }>;
type DeploymentFault = Extract<ArmFault, { type: 'deployment-failure' }>;

function matches(match: FaultMatch | undefined, method: string, path: string): boolean {
  if (match === undefined) return path.toLowerCase().startsWith('/subscriptions/');
  if (typeof match === 'string') return path.toLowerCase().includes(match.toLowerCase());
  if (match instanceof RegExp) return match.test(`${method} ${path}`);
  return match({ method, path });
}

/**
 * Injected faults. Request faults (status, reset) apply to matching requests, by default every
 * ARM request under /subscriptions/ (not the token endpoint), `times` times each. Deployment
 * failures make the next matching deployment fail at a resource.
 */
export class Faults {
  private active: ArmFault[] = [];

  inject(f: ArmFault): void {
    this.active.push({ ...f });
  }

  clear(): void {
    this.active = [];
  }

  takeRequestFault(method: string, path: string): RequestFault | undefined {
    const f = this.active.find(
      (x): x is RequestFault =>
        (x.type === 'status' || x.type === 'reset' || x.type === 'busy') &&
        x.times > 0 &&
        matches(x.match, method, path)
    );
    if (!f) return undefined;
    f.times--;
    if (f.times <= 0) this.active = this.active.filter(x => x !== f);
    return f;
  }

  /** Index of the resource that fails in a deployment of these types, and the error. */
  takeDeploymentFailure(
    types: string[]
  ): { index: number; code: string; message: string } | undefined {
    for (const f of this.active) {
      if (f.type !== 'deployment-failure') continue;
      const d = f as DeploymentFault;
      const index = d.resourceType
        ? types.findIndex(t => t.toLowerCase() === d.resourceType?.toLowerCase())
        : types.length > 0
          ? 0
          : -1;
      if (index < 0) continue;
      const left = (d.times ?? 1) - 1;
      if (left <= 0) this.active = this.active.filter(x => x !== f);
      else d.times = left;
      return { index, code: d.code, message: d.message };
    }
    return undefined;
  }
}
