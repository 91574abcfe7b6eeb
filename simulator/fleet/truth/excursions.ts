/**
 * Excursions in one series, exactly as defined in ground-truth.ts: a pending run of out-of-range readings on one
 * side, confirmed once it has lasted the alarm delay (each reading standing until the next, as the budget counts
 * it) or once the cumulative budget is spent, cleared with hysteresis. Pure; one pass per side.
 */

/** One value of a series, with where it came from. */
export interface Point {
  ts: number
  value: number
  /** Wall time of its acknowledgement. */
  ackedAtWall: number
  backfilled: boolean
  trueAt: number
}

/** Bounds and timing for one quantity (temperature or humidity). */
export interface Limits {
  low: number | null
  high: number | null
  hysteresis: number
  alarmDelayMs: number
  maxGapMs: number
}

/** An excursion found in a series. */
export interface Found {
  side: 'high' | 'low'
  start: number
  trueStart: number
  end: number | null
  peak: number
  confirmedBy: Point
}

/**
 * `budgetExhaustedAt`: when the series' cumulative time out of range passed the budget (`outOfRange`), for
 * temperature; after it any reading out of range confirms at once.
 */
export function findExcursions(
  points: readonly Point[],
  limits: Limits,
  budgetExhaustedAt: number | null = null,
): Found[] {
  const found: Found[] = []
  // Strictly after: at the instant the total reaches the budget it has not exceeded it yet.
  const spent = (ts: number) => budgetExhaustedAt !== null && ts > budgetExhaustedAt
  if (limits.high !== null) found.push(...oneSide(points, limits, 'high', limits.high, spent))
  if (limits.low !== null) found.push(...oneSide(points, limits, 'low', limits.low, spent))
  return found.sort((a, b) => a.start - b.start)
}

function oneSide(
  points: readonly Point[],
  l: Limits,
  side: 'high' | 'low',
  bound: number,
  spent: (ts: number) => boolean,
): Found[] {
  const sign = side === 'high' ? 1 : -1
  // In "signed" space the excursion is always above: v·sign > bound·sign.
  const out = (v: number) => v * sign > bound * sign
  const cleared = (v: number) => v * sign <= (bound - sign * l.hysteresis) * sign
  const more = (a: number, b: number) => (a * sign > b * sign ? a : b)
  const found: Found[] = []
  let run: { start: Point; peak: number } | null = null
  let open: Found | null = null
  let prev: Point | null = null
  const confirm = (r: { start: Point; peak: number }, by: Point): Found => ({
    side,
    start: r.start.ts,
    trueStart: r.start.trueAt,
    end: null,
    peak: r.peak,
    confirmedBy: by,
  })
  for (const p of points) {
    if (run && prev && p.ts - prev.ts > l.maxGapMs) run = null
    prev = p
    // Every reading of a pending run was out of range and stood until the next one: by this reading's time
    // the value has been out since the run began, whatever this reading says.
    if (run && (p.ts - run.start.ts >= l.alarmDelayMs || spent(p.ts))) {
      open = confirm(run, p)
      run = null
    }
    if (open) {
      if (cleared(p.value)) {
        open.end = p.ts
        found.push(open)
        open = null
      } else if (out(p.value)) open.peak = more(open.peak, p.value)
      continue
    }
    if (!out(p.value)) {
      run = null
      continue
    }
    run = run ? { start: run.start, peak: more(run.peak, p.value) } : { start: p, peak: p.value }
    if (spent(p.ts) || l.alarmDelayMs === 0) {
      open = confirm(run, p)
      run = null
    }
  }
  if (open) found.push(open)
  return found
}

/** Time out of range (either side) with sample-and-hold up to maxGap, and when it passed `budgetMs`. */
export function outOfRange(
  points: readonly Point[],
  l: Limits,
  budgetMs: number | null,
): { ms: number; exhaustedAt: number | null } {
  let ms = 0
  let exhaustedAt: number | null = null
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as Point
    const b = points[i + 1] as Point
    const dt = b.ts - a.ts
    const isOut = (l.high !== null && a.value > l.high) || (l.low !== null && a.value < l.low)
    if (!isOut || dt > l.maxGapMs) continue
    if (budgetMs !== null && exhaustedAt === null && ms + dt > budgetMs) exhaustedAt = a.ts + (budgetMs - ms)
    ms += dt
  }
  return { ms, exhaustedAt }
}
