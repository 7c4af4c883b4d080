import { ApiException } from '@kubernetes/client-node';

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT'
]);

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly onRetry?: (what: string, attempt: number, delayMs: number, reason: string) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 30_000 };

/**
 * The wait before retrying `error`, or undefined when retrying cannot help. Throttling answers
 * carry Retry-After, which wins over our own backoff.
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  policy: RetryPolicy
): number | undefined {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  if (error instanceof ApiException) {
    if (!TRANSIENT_STATUS.has(error.code) || isSchemaRefusal(error)) return undefined;
    const retryAfter = Number(headerValue(error.headers, 'retry-after'));
    return Number.isFinite(retryAfter) && retryAfter >= 0
      ? Math.min(policy.maxDelayMs, retryAfter * 1000)
      : backoff;
  }
  return isNetworkError(error) ? backoff : undefined;
}

/**
 * Server-side apply answers a field the schema does not declare with HTTP 500, not 400
 * (kubernetes/kubernetes issue 139253): the same patch fails the same way every time.
 */
function isSchemaRefusal(error: ApiException<unknown>): boolean {
  const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body ?? '');
  return error.code === 500 && body.includes('failed to create typed patch object');
}

export async function withRetry<T>(
  what: string,
  operation: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const delay = attempt < policy.attempts ? retryDelay(error, attempt, policy) : undefined;
      if (delay === undefined) throw error;
      policy.onRetry?.(what, attempt, delay, transientReason(error));
      await sleep(delay);
    }
  }
}

export function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    const message = e instanceof Error ? e.message : '';
    if (
      /socket hang up|other side closed|fetch failed|terminated/i.test(message) &&
      !(e instanceof ApiException)
    ) {
      if (!(e as { cause?: unknown }).cause) return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function transientReason(error: unknown): string {
  if (error instanceof ApiException) return `HTTP ${error.code}`;
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (!(e as { cause?: unknown }).cause) return e instanceof Error ? e.message : String(e);
  }
  return 'network error';
}

function headerValue(
  headers: Record<string, string> | undefined,
  name: string
): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find(k => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Waits until `promise` settles or `ms` pass, whichever comes first, and clears its timer either
 * way: a plain sleep in a race would keep the process alive until it fired, long after the work
 * was done.
 */
export async function settledOrAfter(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise.then(
        () => undefined,
        () => undefined
      ),
      new Promise<void>(resolve => {
        timer = setTimeout(resolve, ms);
      })
    ]);
  } finally {
    clearTimeout(timer);
  }
}
