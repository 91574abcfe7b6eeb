/**
 * Transit stalled (issue 3; platforms call it a stalled transfer, Kdniao StateEx 403 "not updated in time"):
 * a waybill whose newest tracking node is older than its SLA tier allows. Pure: the wall clock is passed in.
 */

export const slaTiers = ['same_day', 'next_day', 'standard'] as const
export type SlaTier = (typeof slaTiers)[number]

/** Longest time allowed between two tracking nodes, per SLA tier. */
export type StallParams = Record<SlaTier, number>

const HOUR = 3_600_000

/**
 * Defaults. Platforms expect every hand-over as a node within a minute (specs/cold-chain.md "Timeliness"), so
 * silence between nodes means the parcel is not moving:
 * - same_day: 3 h — a same-day parcel crosses a city in a few legs; three hours without a scan is a problem.
 * - next_day: 8 h — one line-haul leg (a night's drive) between hubs.
 * - standard: 24 h — the common platform rule for flagging a parcel with no new tracking in a day.
 */
export const defaultStallParams: Readonly<StallParams> = {
  same_day: 3 * HOUR,
  next_day: 8 * HOUR,
  standard: 24 * HOUR,
}

export interface StallResult {
  stalled: boolean
  /** When the waybill became stalled (last node + allowed interval), whether or not that is past yet. */
  since: number
  /** How long past that moment `now` is; 0 when not stalled. */
  overdueMs: number
  /** The interval the tier allows. */
  maxIntervalMs: number
}

/**
 * Whether a waybill is stalled at `now`, given the device time of its newest tracking node. Stalled strictly
 * after the allowed interval: a node exactly at the limit is still on time.
 */
export function checkStall(
  lastNodeTs: number,
  slaTier: SlaTier,
  now: number,
  params: Partial<StallParams> = {},
): StallResult {
  const maxIntervalMs = params[slaTier] ?? defaultStallParams[slaTier]
  const since = lastNodeTs + maxIntervalMs
  const overdueMs = Math.max(0, now - since)
  return { stalled: now > since, since, overdueMs, maxIntervalMs }
}
