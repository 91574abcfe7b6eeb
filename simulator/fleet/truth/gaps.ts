/** Data gaps of a waybill's series inside its custody window (definition in ground-truth.ts). Pure. */

/** A stretch with no reading for longer than the maximum gap. */
export interface Gap {
  start: number
  end: number
}

/**
 * Gaps between consecutive readings `ts` (sorted), and from the custody start to the first reading and from the
 * last reading to the custody end when the custody end is known.
 */
export function findGaps(ts: readonly number[], from: number, to: number | null, maxGapMs: number): Gap[] {
  const gaps: Gap[] = []
  const marks = [from, ...ts]
  if (to !== null) marks.push(to)
  for (let i = 0; i + 1 < marks.length; i++) {
    const a = marks[i] as number
    const b = marks[i + 1] as number
    if (b - a > maxGapMs) gaps.push({ start: a, end: b })
  }
  return gaps
}
