/**
 * The excursion engine's vocabulary: what it reads, what it reports and the events it emits.
 * Every time is epoch milliseconds of DEVICE time (architecture: "evaluated on device time, not arrival time").
 * Everything here is plain JSON data.
 */
import type { ReadingQuality } from '../model.js'
import type { Severity, TemperatureProfile } from './profiles.js'

/** What the engine needs of a reading. A `ReadingRecord` fits as is. */
export interface RuleReading {
  ts: number
  tempC: number | null
  rh?: number | null
  /** `sensor_fault` readings are not measurements: the engine treats them as missing data. */
  quality?: ReadingQuality
}

export type ExcursionKind = 'temperature' | 'humidity'
export type Side = 'high' | 'low'

/**
 * An excursion: a run of readings beyond a bound that lasted the alarm delay (or outlasted the budget).
 * Units: °C for temperature, %RH for humidity; `area` is °C·min (or %RH·min) beyond the bound.
 */
export interface Excursion {
  /** `{scope}:{kind}:{side}:{start ISO}`: derived from content, so re-evaluation keeps it. */
  id: string
  kind: ExcursionKind
  side: Side
  /** Device time of the first reading beyond the bound (not when the delay elapsed). */
  startTs: number
  /** Device time of the reading that cleared it (back inside by the hysteresis); null while ongoing. */
  endTs: number | null
  /** Device time of the reading at which the delay (or the exhausted budget) made it an excursion. */
  openedAt: number
  openedBy: 'delay' | 'budget'
  /** Newest reading it covers: `endTs` once cleared. */
  lastTs: number
  /** `(endTs ?? lastTs) − startTs`, data gaps inside included. */
  durationMs: number
  /** Time attributed to readings beyond the bound (the hysteresis band and data gaps excluded). */
  outOfRangeMs: number
  /** The bound it crossed. */
  bound: number
  /** The most extreme value seen beyond the bound, and when. */
  peak: number
  peakTs: number
  /** |peak − bound|. */
  peakDeviation: number
  area: number
  severity: Severity
}

/** A data gap: two consecutive temperature readings further apart than the profile's `maxGapMs`. */
export interface Gap {
  /** `{scope}:gap:{start ISO}`. */
  id: string
  /** The last reading before the silence. */
  startTs: number
  /** The first reading after it; null while the device is still silent (see `tick`). */
  endTs: number | null
  durationMs: number | null
}

/** The cumulative out-of-range budget of the waybill (temperature only). */
export interface BudgetStatus {
  budgetMs: number | null
  outOfRangeMs: number
  /** Never negative; null when the profile has no budget. */
  leftMs: number | null
  /** Device time at which the cumulative out-of-range time passed the budget. */
  exhaustedAt: number | null
}

/** A run beyond a bound that has not lasted the delay yet (ThingsBoard's NOT_YET_TRUE). */
export interface Pending {
  kind: ExcursionKind
  side: Side
  since: number
  peak: number
}

/** Time-weighted statistics of the temperature series (see `mkt.ts` for the weighting). */
export interface SeriesStats {
  readings: number
  firstTs: number | null
  lastTs: number | null
  minC: number | null
  maxC: number | null
  meanC: number | null
  mktC: number | null
  /** Time attributed to readings (intervals no longer than `maxGapMs`). */
  observedMs: number
  /** Time inside data gaps: unknown, never in range. */
  unknownMs: number
}

/** Everything the engine knows about one waybill's series. */
export interface Report {
  /** Closed and ongoing excursions, by start time. */
  excursions: Excursion[]
  /** Data gaps by start time, including an ongoing silence once `tick` saw one. */
  gaps: Gap[]
  pending: Pending[]
  budget: BudgetStatus
  stats: SeriesStats
}

/** Bounds of the re-evaluation window kept in the state (see `window.ts`). */
export interface WindowOptions {
  /** Readings this much older than the newest one may be dropped. Default 24 h. */
  spanMs?: number
  /** At most about this many readings are kept. Default 4096. */
  maxReadings?: number
  /** Readings per checkpoint. Default 32. */
  chunkSize?: number
}

/** Parameters of every engine call. Use the same ones for the life of a state; call `rebuild` after a change. */
export interface EngineParams {
  profile: TemperatureProfile
  window?: WindowOptions
}

/**
 * What changed relative to what was reported before. Every event carries the full item snapshot, so replaying
 * events (opened/updated/cleared: set; withdrawn: delete) reproduces the engine's report exactly.
 */
export type RuleEvent =
  | { type: 'excursion_opened'; excursion: Excursion; detectedLate: boolean }
  | { type: 'excursion_updated'; excursion: Excursion }
  | { type: 'excursion_cleared'; excursion: Excursion }
  | { type: 'excursion_withdrawn'; excursion: Excursion; reason: string; supersededBy?: string }
  | { type: 'gap_opened'; gap: Gap }
  | { type: 'gap_updated'; gap: Gap }
  | { type: 'gap_closed'; gap: Gap }
  | { type: 'gap_withdrawn'; gap: Gap; reason: string; supersededBy?: string }
  | { type: 'budget_exhausted'; budget: BudgetStatus }
  | { type: 'budget_withdrawn'; budget: BudgetStatus; reason: string }

export type RuleEventType = RuleEvent['type']
