import type { Fault, RequestMatch } from './types.ts';

export interface RequestInfo {
  method: string;
  verb: string;
  resource?: string;
  path: string;
}

type ActiveFault = Fault & { remaining: number };

function matches(match: RequestMatch | undefined, req: RequestInfo): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== req.method.toUpperCase()) return false;
  if (match.verb && match.verb !== req.verb) return false;
  if (match.resource && match.resource !== req.resource) return false;
  if (match.pathIncludes && !req.path.includes(match.pathIncludes)) return false;
  return true;
}

/** Faults are consumed in the order they were injected, each `times` times. */
export class FaultInjector {
  readonly #faults: ActiveFault[] = [];

  inject(fault: Fault): void {
    this.#faults.push({ ...structuredClone(fault), remaining: fault.times });
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /** Finds and consumes the first fault of one of `types` that matches the request. */
  take(types: Fault['type'][], req: RequestInfo): Fault | undefined {
    const index = this.#faults.findIndex(
      f => types.includes(f.type) && f.remaining > 0 && matches(f.match, req)
    );
    if (index < 0) return undefined;
    const fault = this.#faults[index] as ActiveFault;
    fault.remaining--;
    if (fault.remaining <= 0) this.#faults.splice(index, 1);
    return fault;
  }
}
