/** Readings and helpers for the rules tests: `reading('2026-01-01T00:10Z', 9.1)`. */
import {
  createState,
  defaultProfiles,
  type EngineParams,
  type Excursion,
  type ExcursionState,
  type Gap,
  type ProfileOverride,
  processReadings,
  type RuleEvent,
  type RuleReading,
  resolveProfile,
} from '../../../src/rules/index.js'

export const MIN = 60_000
export const HOUR = 60 * MIN

/** Device time of an ISO instant (minutes-only forms such as `2026-01-01T00:10Z` are fine). */
export function at(when: string): number {
  const ts = Date.parse(when)
  if (Number.isNaN(ts)) throw new Error(`bad instant ${when}`)
  return ts
}

/** A good reading at `when` (device time). */
export function reading(when: string, tempC: number | null, rh?: number): RuleReading {
  return { ts: at(when), tempC, rh: rh ?? null, quality: 'ok' }
}

/** A reading the sensor flagged as faulty. */
export function fault(when: string, tempC = 150): RuleReading {
  return { ts: at(when), tempC, rh: null, quality: 'sensor_fault' }
}

/** Readings every `stepMin` minutes from `start`, one per value. */
export function series(start: string, stepMin: number, values: readonly number[]): RuleReading[] {
  const t0 = at(start)
  return values.map((tempC, i) => ({ ts: t0 + i * stepMin * MIN, tempC, rh: null, quality: 'ok' as const }))
}

/** Engine params for the chilled profile (0–8 °C, 10 min delay, 0.5 °C hysteresis, 60 min budget, 30 min gap). */
export function chilled(override: ProfileOverride = {}, window?: EngineParams['window']): EngineParams {
  return { profile: resolveProfile(defaultProfiles.chilled, override), window }
}

/** Feeds batches one call each, collecting every event. */
export function feed(
  batches: readonly (readonly RuleReading[])[],
  params: EngineParams,
  start: ExcursionState = createState('WB1'),
): { state: ExcursionState; events: RuleEvent[] } {
  let state = start
  const events: RuleEvent[] = []
  for (const batch of batches) {
    const r = processReadings(state, batch, params)
    state = r.state
    events.push(...r.events)
  }
  return { state, events }
}

/** One reading per call, in the given order. */
export function feedEach(readings: readonly RuleReading[], params: EngineParams, start?: ExcursionState) {
  return feed(
    readings.map((r) => [r]),
    params,
    start,
  )
}

/** What a downstream consumer holds after applying events in order. */
export function replay(events: readonly RuleEvent[], into?: Replayed): Replayed {
  const out: Replayed = into ?? { excursions: new Map(), gaps: new Map(), exhausted: false }
  for (const e of events) {
    switch (e.type) {
      case 'excursion_opened':
      case 'excursion_updated':
      case 'excursion_cleared':
        out.excursions.set(e.excursion.id, e.excursion)
        break
      case 'excursion_withdrawn':
        out.excursions.delete(e.excursion.id)
        break
      case 'gap_opened':
      case 'gap_updated':
      case 'gap_closed':
        out.gaps.set(e.gap.id, e.gap)
        break
      case 'gap_withdrawn':
        out.gaps.delete(e.gap.id)
        break
      case 'budget_exhausted':
        out.exhausted = true
        break
      case 'budget_withdrawn':
        out.exhausted = false
        break
    }
  }
  return out
}

export interface Replayed {
  excursions: Map<string, Excursion>
  gaps: Map<string, Gap>
  exhausted: boolean
}

export function types(events: readonly RuleEvent[]): string[] {
  return events.map((e) => e.type)
}
