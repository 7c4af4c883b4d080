/** Counts requests by verb and resource type, e.g. `apply deployments: 2`. */
export function countRequests(
  records: readonly { verb: string; resource?: string; method?: string; resourceType?: string }[]
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) {
    const key = `${record.verb ?? record.method} ${record.resource ?? record.resourceType ?? '-'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
