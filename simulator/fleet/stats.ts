/** Percentiles by nearest rank, for latency and delay reports. */

/** p50/p99/max of a sample, null when it is empty. */
export interface Summary {
  count: number
  p50: number | null
  p99: number | null
  max: number | null
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1] as number
}

export function summarise(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? null,
  }
}
