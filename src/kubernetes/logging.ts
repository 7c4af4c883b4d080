import * as core from '@actions/core';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';

/** The default retry policy, telling the log about each retry so a slow step explains itself. */
export function retryPolicy(): RetryPolicy {
  return {
    ...DEFAULT_RETRY,
    onRetry: (what, attempt, delayMs, reason) =>
      core.info(
        `${what}: ${reason}; retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt + 1})`
      )
  };
}
