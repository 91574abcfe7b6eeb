/** Exponential backoff: `min`, 2·`min`, 4·`min`, … capped at `max`, for the n-th consecutive failure (n ≥ 1). */
export function backoffDelay(failures: number, min: number, max: number): number {
  if (failures <= 0) return 0
  return Math.min(max, min * 2 ** Math.min(failures - 1, 30))
}
