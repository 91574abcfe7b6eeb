import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createState,
  type EngineParams,
  evaluateSeries,
  processReadings,
  type Report,
  type RuleEvent,
  type RuleReading,
  rebuild,
  report,
  tick,
} from '../../../src/rules/index.js'
import { chilled, HOUR, MIN, replay } from './fixtures.js'

const T0 = Date.parse('2026-01-01T00:00Z')

/** One generated reading: spacing to the previous one, values around the chilled bounds (0–8 °C). */
const step = fc.record({
  // Mostly regular 0–10 min spacing (0: same device time), sometimes a gap beyond the 30 min maximum.
  gapMs: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 10 }).map((m) => m * MIN) },
    { weight: 1, arbitrary: fc.integer({ min: 25, max: 120 }).map((m) => m * MIN) },
  ),
  tempC: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -25, max: 105 }).map((x) => x / 10) },
    { weight: 3, arbitrary: fc.constantFrom(0, 8, 7.5, 0.5, 8.1, -0.1, 7.6) },
    { weight: 1, arbitrary: fc.constant(null) },
  ),
  rh: fc.option(fc.integer({ min: 75, max: 100 }), { nil: null, freq: 3 }),
  fault: fc.integer({ min: 0, max: 19 }).map((x) => x === 0),
})

const profile = fc.record({
  alarmDelayMs: fc.constantFrom(0, 5 * MIN, 10 * MIN, 20 * MIN),
  cumulativeBudgetMs: fc.constantFrom(null, 0, 15 * MIN, 60 * MIN),
  humidity: fc.option(fc.constant({ lowPct: 85, highPct: 95, delayMs: 5 * MIN }), { nil: null }),
})

/** A series plus an arrival order (a permutation) and batch sizes. */
const scenario = fc.array(step, { minLength: 1, maxLength: 60 }).chain((steps) =>
  fc.record({
    steps: fc.constant(steps),
    order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
      minLength: steps.length,
      maxLength: steps.length,
    }),
    batches: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 20 }),
    chunkSize: fc.integer({ min: 1, max: 9 }),
    profile,
  }),
)

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never

function readingsOf(s: Scenario): RuleReading[] {
  let ts = T0
  return s.steps.map((x) => {
    ts += x.gapMs
    return { ts, tempC: x.tempC, rh: x.rh, quality: x.fault ? 'sensor_fault' : 'ok' }
  })
}

function shuffled<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, k: keys[i] ?? 0 }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.item)
}

function batched<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = []
  let i = 0
  let j = 0
  while (i < items.length) {
    const n = sizes[j++ % sizes.length] ?? 1
    out.push(items.slice(i, i + n))
    i += n
  }
  return out
}

/**
 * Feeds batches; when readings fall behind the window, rebuilds from everything arrived so far (the store).
 * With `ticks`, the wall clock is given before each batch; with `viaJson`, the state is stored as JSON between calls.
 */
function arrive(
  batches: readonly RuleReading[][],
  params: EngineParams,
  opts: { ticks?: readonly number[]; viaJson?: boolean; inPlace?: boolean } = {},
) {
  let state = createState('WB')
  const events: RuleEvent[] = []
  const stored: RuleReading[] = []
  for (const [i, batch] of batches.entries()) {
    const now = opts.ticks?.[i]
    if (now !== undefined) {
      const t = tick(state, now, params)
      state = t.state
      events.push(...t.events)
    }
    stored.push(...batch)
    const given = opts.viaJson ? JSON.parse(JSON.stringify(state)) : state
    const r = processReadings(given, batch, params, { inPlace: opts.inPlace })
    state = r.state
    events.push(...r.events)
    if (r.tooLate.length > 0) {
      const rb = rebuild(state, stored, params)
      state = rb.state
      events.push(...rb.events)
    }
  }
  return { final: report(state, params), events }
}

function expectConverged(final: Report, events: RuleEvent[], expected: Report): void {
  expect(final).toEqual(expected)
  const replayed = replay(events)
  expect(
    [...replayed.excursions.values()].sort((a, b) => a.startTs - b.startTs || a.id.localeCompare(b.id)),
  ).toEqual([...expected.excursions].sort((a, b) => a.startTs - b.startTs || a.id.localeCompare(b.id)))
  expect([...replayed.gaps.values()].sort((a, b) => a.startTs - b.startTs)).toEqual(expected.gaps)
  expect(replayed.exhausted).toBe(expected.budget.exhaustedAt !== null)
}

function paramsOf(s: Scenario, window: EngineParams['window']): EngineParams {
  return chilled({ ...s.profile, humidity: s.profile.humidity }, window)
}

describe('arrival order does not change the result, whether states are new or advanced in place', () => {
  it('gives the same excursions, gaps and budget for sorted, shuffled and batched arrival, and events replay to it', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const params = paramsOf(s, { chunkSize: s.chunkSize, spanMs: 365 * 24 * HOUR, maxReadings: 1e6 })
        const all = readingsOf(s)
        const expected = evaluateSeries(all, params, 'WB')
        const mixed = shuffled(all, s.order)
        const orders = [
          all.map((r) => [r]),
          batched(all, s.batches),
          mixed.map((r) => [r]),
          batched(mixed, s.batches),
        ]
        for (const batches of orders) {
          for (const inPlace of [false, true]) {
            const { final, events } = arrive(batches, params, { inPlace })
            expectConverged(final, events, expected)
          }
        }
        const { final, events } = arrive(batched(mixed, s.batches), params, { viaJson: true })
        expectConverged(final, events, expected)
      }),
      { numRuns: 300 },
    )
  })

  it('stays exact with a small window, rebuilding from the stored readings when data falls behind it', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.integer({ min: 20, max: 120 }),
        fc.integer({ min: 4, max: 20 }),
        (s, spanMin, max) => {
          const params = paramsOf(s, {
            chunkSize: Math.min(s.chunkSize, 4),
            spanMs: spanMin * MIN,
            maxReadings: max,
          })
          const all = readingsOf(s)
          const expected = evaluateSeries(all, params, 'WB')
          for (const inPlace of [false, true]) {
            const { final, events } = arrive(batched(shuffled(all, s.order), s.batches), params, { inPlace })
            expectConverged(final, events, expected)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('reports a silent device as an ongoing gap that later readings close or withdraw, converging all the same', () => {
    fc.assert(
      fc.property(scenario, fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 20 }), (s, tickMin) => {
        const params = paramsOf(s, { chunkSize: s.chunkSize })
        const all = readingsOf(s)
        const ticks = tickMin.map((m) => T0 + m * MIN)
        const mixed = batched(shuffled(all, s.order), s.batches)
        const { final, events } = arrive(mixed, params, { ticks })
        const inPlace = arrive(mixed, params, { ticks, inPlace: true })
        const expected = evaluateSeries(all, params, 'WB')
        const batches = batched(all, s.batches).length
        const clock = Math.max(...ticks.slice(0, batches))
        const last = expected.stats.lastTs
        if (last !== null && clock - last > params.profile.maxGapMs) {
          const id = `WB:gap:${new Date(last).toISOString()}`
          expected.gaps.push({ id, startTs: last, endTs: null, durationMs: null })
        }
        expectConverged(final, events, expected)
        expectConverged(inPlace.final, inPlace.events, expected)
      }),
      { numRuns: 300 },
    )
  })
})
