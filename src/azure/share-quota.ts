import type { ShareRequest } from './parsers.ts';

export interface LiveShare {
  readonly name: string;
  readonly quotaGiB: number;
  /** Bytes stored, when ARM reported it. */
  readonly usageBytes: number | undefined;
}

export type ShareChange =
  | { readonly share: string; readonly change: 'create'; readonly quotaGiB: number }
  | { readonly share: string; readonly change: 'same'; readonly quotaGiB: number }
  | {
      readonly share: string;
      readonly change: 'grow';
      readonly from: number;
      readonly quotaGiB: number;
    }
  | {
      readonly share: string;
      readonly change: 'shrink';
      readonly from: number;
      readonly quotaGiB: number;
      readonly usedGiB: number;
    };

const GIB = 1024 ** 3;

export function usedGiB(share: LiveShare): number {
  return Math.round(((share.usageBytes ?? 0) / GIB) * 100) / 100;
}

/**
 * What each requested share needs. A quota may grow freely; it may shrink only while the data
 * still fits, and every shrink is reported (never silent). Returns the changes, or the refusals
 * with the numbers when a share holds more than its new quota.
 */
export function planShares(
  wanted: readonly ShareRequest[],
  live: readonly LiveShare[]
): { changes: ShareChange[]; refusals: string[] } {
  const changes: ShareChange[] = [];
  const refusals: string[] = [];
  for (const want of wanted) {
    const have = live.find(s => s.name === want.name);
    if (!have) changes.push({ share: want.name, change: 'create', quotaGiB: want.quotaGiB });
    else if (have.quotaGiB === want.quotaGiB)
      changes.push({ share: want.name, change: 'same', quotaGiB: want.quotaGiB });
    else if (want.quotaGiB > have.quotaGiB)
      changes.push({
        share: want.name,
        change: 'grow',
        from: have.quotaGiB,
        quotaGiB: want.quotaGiB
      });
    else {
      const used = usedGiB(have);
      if ((have.usageBytes ?? 0) > want.quotaGiB * GIB) {
        refusals.push(
          `Share ${want.name} holds ${used} GiB; its quota cannot shrink from ${have.quotaGiB} GiB to ${want.quotaGiB} GiB. Ask for at least ${Math.ceil(used)} GiB, or remove data first.`
        );
      } else {
        changes.push({
          share: want.name,
          change: 'shrink',
          from: have.quotaGiB,
          quotaGiB: want.quotaGiB,
          usedGiB: used
        });
      }
    }
  }
  return { changes, refusals };
}

export function describeShareChange(change: ShareChange): string {
  switch (change.change) {
    case 'create':
      return `${change.share}: new, ${change.quotaGiB} GiB`;
    case 'same':
      return `${change.share}: ${change.quotaGiB} GiB, unchanged`;
    case 'grow':
      return `${change.share}: grows from ${change.from} to ${change.quotaGiB} GiB`;
    case 'shrink':
      return `${change.share}: shrinks from ${change.from} to ${change.quotaGiB} GiB (${change.usedGiB} GiB used)`;
  }
}
