import { randomUUID } from 'node:crypto';
import { type ArmErrorBody, type RequestContext, matchPath, send } from './http.ts';

export type OperationStatus = 'InProgress' | 'Running' | 'Succeeded' | 'Failed' | 'Canceled';

export interface AsyncOperation {
  id: string;
  status: OperationStatus;
  startTime: string;
  endTime?: string;
  error?: ArmErrorBody;
  /** Body of the final `Location` response (whatIf results). */
  result?: unknown;
  namespace: string;
  location: string;
}

/**
 * ARM long-running operations: `Azure-AsyncOperation` URLs answer `{ status, error? }`;
 * `Location` URLs answer 202 while running, then 200 with the result.
 */
export class Operations {
  private readonly ops = new Map<string, AsyncOperation>();
  private readonly url: string;
  private readonly subscriptionId: string;
  private readonly retryAfterMs: number;
  private readonly preciseRetryAfter: boolean;

  /** `retryAfterMs` below whole seconds also goes out exactly, as `retry-after-ms`. */
  constructor(url: string, subscriptionId: string, retryAfterMs: number, precise = false) {
    this.url = url;
    this.subscriptionId = subscriptionId;
    this.retryAfterMs = retryAfterMs;
    this.preciseRetryAfter = precise;
  }

  create(
    namespace: string,
    location: string,
    status: OperationStatus = 'InProgress'
  ): AsyncOperation {
    const op: AsyncOperation = {
      id: randomUUID(),
      status,
      startTime: new Date().toISOString(),
      namespace,
      location: location.replace(/\s+/g, '').toLowerCase() || 'global'
    };
    this.ops.set(op.id, op);
    return op;
  }

  get(id: string): AsyncOperation | undefined {
    return this.ops.get(id);
  }

  succeed(op: AsyncOperation, result?: unknown): void {
    op.status = 'Succeeded';
    op.endTime = new Date().toISOString();
    if (result !== undefined) op.result = result;
  }

  fail(op: AsyncOperation, error: ArmErrorBody): void {
    op.status = 'Failed';
    op.endTime = new Date().toISOString();
    op.error = error;
  }

  private base(op: AsyncOperation): string {
    return `${this.url}/subscriptions/${this.subscriptionId}/providers/${op.namespace}/locations/${op.location}`;
  }

  statusUrl(op: AsyncOperation, apiVersion: string): string {
    return `${this.base(op)}/operationStatuses/${op.id}?api-version=${apiVersion}`;
  }

  resultUrl(op: AsyncOperation, apiVersion: string): string {
    return `${this.base(op)}/operationResults/${op.id}?api-version=${apiVersion}`;
  }

  retryAfter(): Record<string, string> {
    const seconds = String(Math.ceil(this.retryAfterMs / 1000));
    return this.preciseRetryAfter
      ? { 'Retry-After': seconds, 'retry-after-ms': String(Math.round(this.retryAfterMs)) }
      : { 'Retry-After': seconds };
  }

  /** Headers of a response that starts an operation. */
  startHeaders(
    op: AsyncOperation,
    apiVersion: string,
    withLocation: boolean
  ): Record<string, string> {
    return {
      'Azure-AsyncOperation': this.statusUrl(op, apiVersion),
      ...(withLocation ? { Location: this.resultUrl(op, apiVersion) } : {}),
      ...this.retryAfter()
    };
  }

  handle(ctx: RequestContext): boolean {
    if (ctx.method !== 'GET') return false;
    const pattern = 'subscriptions/{s}/providers/{ns}/locations/{loc}/{kind}/{id}';
    const m = matchPath(ctx.segments, pattern);
    if (!m) return false;
    const kind = (m.kind as string).toLowerCase();
    if (kind !== 'operationstatuses' && kind !== 'operationresults') return false;
    const op = this.ops.get(m.id as string);
    ctx.operation = kind === 'operationstatuses' ? 'operationStatus' : 'operationResult';
    if (!op) {
      send(ctx.res, 404, { error: { code: 'NotFound', message: `Operation ${m.id} not found.` } });
      return true;
    }
    const apiVersion = ctx.query.get('api-version') ?? '2024-01-01';
    if (kind === 'operationstatuses') {
      const body: Record<string, unknown> = {
        id: `${new URL(this.statusUrl(op, apiVersion)).pathname}`,
        name: op.id,
        status: op.status,
        startTime: op.startTime
      };
      if (op.endTime) body.endTime = op.endTime;
      if (op.error) body.error = op.error;
      const running = op.status === 'InProgress' || op.status === 'Running';
      send(ctx.res, 200, body, running ? this.retryAfter() : {});
      return true;
    }
    if (op.status === 'InProgress' || op.status === 'Running') {
      send(ctx.res, 202, undefined, {
        Location: this.resultUrl(op, apiVersion),
        ...this.retryAfter()
      });
    } else if (op.status === 'Failed') {
      send(ctx.res, 400, { error: op.error });
    } else {
      send(ctx.res, 200, op.result ?? {});
    }
    return true;
  }
}
