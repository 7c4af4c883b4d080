import { ApiException } from '@kubernetes/client-node';

interface StatusBody {
  message?: string;
  reason?: string;
}

/** The HTTP status of a Kubernetes API error, or undefined for anything else. */
export function statusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusCode(error) === 404;
}

/** The API server's own message (a `Status` body) rather than the client's generic one. */
export function describeApiError(error: unknown): string {
  if (error instanceof ApiException) {
    const body = parseBody(error.body);
    const reason = body?.reason ? ` (${body.reason})` : '';
    return `${body?.message ?? error.message}${reason}, HTTP ${error.code}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function parseBody(body: unknown): StatusBody | undefined {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return body && typeof body === 'object' ? (body as StatusBody) : undefined;
}
