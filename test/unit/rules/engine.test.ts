import { describe, expect, it } from 'vitest'
import {
  createState,
  defaultProfiles,
  type ExcursionState,
  evaluateSeries,
  processReading,
  processReadings,
  type RuleReading,
  report,
  tick,
} from '../../../src/rules/index.js'
import { at, chilled, fault, feedEach, HOUR, MIN, reading, series, types } from './fixtures.js'

const params = chilled()

describe('excursion engine: opening and clearing', () => {
  it('keeps a run beyond the bound pending until it has lasted the alarm delay', () => {
    const { state, events } = feedEach(
      [reading('2026-01-01T00:00Z', 5), reading('2026-01-01T00:05Z', 9), reading('2026-01-01T00:10Z', 9.2)],
      params,
    )
    expect(events).toEqual([])
    const r = report(state, params)
    expect(r.excursions).toEqual([])
    expect(r.pending).toEqual([
      { kind: 'temperature', side: 'high', since: at('2026-01-01T00:05Z'), peak: 9.2 },
    ])
  })

  it('opens an excursion when the delay has elapsed, dated from when the value went out of range', () => {
    const { events } = feedEach(series('2026-01-01T00:00Z', 5, [5, 9, 9, 9.5]), params)
    expect(types(events)).toEqual(['excursion_opened'])
    const opened = events[0]
    if (opened?.type !== 'excursion_opened') throw new Error('expected an opening')
    expect(opened.detectedLate).toBe(false)
    expect(opened.excursion).toMatchObject({
      id: 'WB1:temperature:high:2026-01-01T00:05:00.000Z',
      side: 'high',
      startTs: at('2026-01-01T00:05Z'),
      openedAt: at('2026-01-01T00:15Z'),
      openedBy: 'delay',
      endTs: null,
      durationMs: 10 * MIN,
      peak: 9.5,
    })
  })

  it('reports an ongoing excursion with its duration so far, updated as readings come', () => {
    const { state, events } = feedEach(series('2026-01-01T00:00Z', 5, [9, 9, 9, 9.4]), params)
    expect(types(events)).toEqual(['excursion_opened', 'excursion_updated'])
    const [ongoing] = report(state, params).excursions
    expect(ongoing).toMatchObject({
      endTs: null,
      lastTs: at('2026-01-01T00:15Z'),
      durationMs: 15 * MIN,
      peak: 9.4,
    })
  })

  it('treats a value equal to a bound as in range', () => {
    const r = evaluateSeries(series('2026-01-01T00:00Z', 5, [8, 8, 8, 8, 0, 0, 0]), params)
    expect(r.excursions).toEqual([])
    expect(r.budget.outOfRangeMs).toBe(0)
  })

  it('clears only once the value is back inside by the hysteresis (8 °C − 0.5 → 7.5 °C)', () => {
    const r = evaluateSeries(series('2026-01-01T00:00Z', 5, [9, 9, 9, 7.8, 7.6, 7.5, 7]), params)
    expect(r.excursions).toHaveLength(1)
    expect(r.excursions[0]).toMatchObject({ endTs: at('2026-01-01T00:25Z'), durationMs: 25 * MIN })
    // Only the time actually beyond 8 °C counts as out of range, not the hysteresis band.
    expect(r.excursions[0]?.outOfRangeMs).toBe(15 * MIN)
  })

  it('measures a low excursion below the lower bound', () => {
    const r = evaluateSeries(series('2026-01-01T00:00Z', 5, [2, -1, -1.5, -1, 0.2, 0.5]), params)
    expect(r.excursions[0]).toMatchObject({ side: 'low', bound: 0, peak: -1.5, peakDeviation: 1.5 })
    expect(r.excursions[0]?.endTs).toBe(at('2026-01-01T00:25Z'))
  })

  it('has no lower bound for frozen goods', () => {
    const frozen = { profile: defaultProfiles.frozen }
    const r = evaluateSeries(series('2026-01-01T00:00Z', 5, [-30, -40, -45, -40, -35]), frozen)
    expect(r.excursions).toEqual([])
    const warm = evaluateSeries(series('2026-01-01T00:00Z', 5, [-20, -15, -14, -16, -18.6]), frozen)
    expect(warm.excursions[0]).toMatchObject({ side: 'high', bound: -18, peak: -14, peakDeviation: 4 })
  })

  it('records peak, area in degree-minutes beyond the bound and time out of range', () => {
    const r = evaluateSeries(series('2026-01-01T00:00Z', 10, [7, 9, 11, 10, 7]), params)
    // Each reading stands until the next one: (1 + 3 + 2) °C × 10 min.
    expect(r.excursions[0]).toMatchObject({ peak: 11, peakTs: at('2026-01-01T00:20Z'), area: 60 })
    expect(r.excursions[0]?.outOfRangeMs).toBe(30 * MIN)
  })

  it('grades severity by the profile bands: distance beyond the bound or duration', () => {
    const far = evaluateSeries(series('2026-01-01T00:00Z', 5, [9, 14, 14, 14, 5]), params)
    expect(far.excursions[0]?.severity).toBe('critical')
    const near = evaluateSeries(series('2026-01-01T00:00Z', 5, [8.5, 8.5, 8.5, 5]), params)
    expect(near.excursions[0]?.severity).toBe('minor')
    const long = evaluateSeries(series('2026-01-01T00:00Z', 5, [...Array(8).fill(8.5), 5]), params)
    expect(long.excursions[0]?.severity).toBe('major')
  })
})

describe('excursion engine: cumulative budget', () => {
  it('counts out-of-range time before the delay elapses and reports the budget left', () => {
    const r = evaluateSeries(series('2026-01-01T00:00Z', 5, [5, 9, 5, 9, 5]), params)
    expect(r.excursions).toEqual([])
    expect(r.budget).toEqual({
      budgetMs: 60 * MIN,
      outOfRangeMs: 10 * MIN,
      leftMs: 50 * MIN,
      exhaustedAt: null,
    })
  })

  it('fires budget_exhausted once, at the instant the total passes the budget', () => {
    const p = chilled({ cumulativeBudgetMs: 12 * MIN, alarmDelayMs: HOUR })
    const { state, events } = feedEach(series('2026-01-01T00:00Z', 5, [9, 5, 9, 5, 9, 5, 9, 5]), p)
    expect(types(events).filter((t) => t === 'budget_exhausted')).toHaveLength(1)
    expect(report(state, p).budget).toMatchObject({ leftMs: 0, exhaustedAt: at('2026-01-01T00:22Z') })
  })

  it('makes the run that spends the budget an excursion, and opens one at once for any later reading out of range', () => {
    const p = chilled({ cumulativeBudgetMs: 8 * MIN })
    const r = evaluateSeries(series('2026-01-01T00:00Z', 5, [9, 5, 9, 5, 5, 9, 5]), p)
    expect(r.budget.exhaustedAt).toBe(at('2026-01-01T00:13Z'))
    expect(r.excursions.map((e) => [e.startTs, e.openedAt, e.endTs, e.openedBy])).toEqual([
      [at('2026-01-01T00:10Z'), at('2026-01-01T00:15Z'), at('2026-01-01T00:15Z'), 'budget'],
      [at('2026-01-01T00:25Z'), at('2026-01-01T00:25Z'), at('2026-01-01T00:30Z'), 'budget'],
    ])
  })
})

describe('excursion engine: data gaps and faults', () => {
  it('leaves readings further apart than the maximum gap as an unknown interval, never in range', () => {
    const { state, events } = feedEach(
      [reading('2026-01-01T00:00Z', 5), reading('2026-01-01T00:10Z', 5), reading('2026-01-01T01:10Z', 5)],
      params,
    )
    expect(types(events)).toEqual(['gap_opened', 'gap_closed'])
    const r = report(state, params)
    expect(r.gaps).toEqual([
      {
        id: 'WB1:gap:2026-01-01T00:10:00.000Z',
        startTs: at('2026-01-01T00:10Z'),
        endTs: at('2026-01-01T01:10Z'),
        durationMs: HOUR,
      },
    ])
    expect(r.stats).toMatchObject({ observedMs: 10 * MIN, unknownMs: HOUR })
  })

  it('does not count a gap toward the budget, even after an out-of-range reading', () => {
    const r = evaluateSeries([reading('2026-01-01T00:00Z', 9), reading('2026-01-01T02:00Z', 5)], params)
    expect(r.budget.outOfRangeMs).toBe(0)
    expect(r.stats.unknownMs).toBe(2 * HOUR)
  })

  it('breaks a pending run at a gap (continuity unproven) but keeps an open excursion open across it', () => {
    const pending = evaluateSeries(
      series('2026-01-01T00:00Z', 5, [9, 9]).concat(reading('2026-01-01T01:00Z', 9)),
      params,
    )
    expect(pending.excursions).toEqual([])
    expect(pending.pending[0]?.since).toBe(at('2026-01-01T01:00Z'))

    const open = evaluateSeries(
      series('2026-01-01T00:00Z', 5, [9, 9, 9]).concat(
        reading('2026-01-01T02:00Z', 9),
        reading('2026-01-01T02:05Z', 5),
      ),
      params,
    )
    expect(open.excursions).toHaveLength(1)
    expect(open.excursions[0]).toMatchObject({
      startTs: at('2026-01-01T00:00Z'),
      endTs: at('2026-01-01T02:05Z'),
    })
    expect(open.excursions[0]?.outOfRangeMs).toBe(15 * MIN)
  })

  it('treats sensor-fault readings as missing: they neither open nor clear, and a long fault is a gap', () => {
    const r = evaluateSeries(
      [
        reading('2026-01-01T00:00Z', 5),
        fault('2026-01-01T00:05Z'),
        fault('2026-01-01T00:10Z'),
        fault('2026-01-01T00:15Z', -50),
        reading('2026-01-01T00:20Z', 5),
        ...series('2026-01-01T00:25Z', 5, Array(8).fill(0)).map((r) => ({
          ...r,
          quality: 'sensor_fault' as const,
        })),
        reading('2026-01-01T01:05Z', 5),
      ],
      params,
    )
    expect(r.excursions).toEqual([])
    expect(r.pending).toEqual([])
    expect(r.gaps.map((g) => [g.startTs, g.endTs])).toEqual([
      [at('2026-01-01T00:20Z'), at('2026-01-01T01:05Z')],
    ])
    expect(r.stats.readings).toBe(3)
  })

  it('reports a silent device as an ongoing gap on tick, closed by the next reading', () => {
    let state = processReading(createState('WB1'), reading('2026-01-01T00:00Z', 5), params).state
    const quiet = tick(state, at('2026-01-01T00:20Z'), params)
    expect(quiet.events).toEqual([])
    const silent = tick(quiet.state, at('2026-01-01T00:31Z'), params)
    expect(silent.events).toEqual([
      {
        type: 'gap_opened',
        gap: {
          id: 'WB1:gap:2026-01-01T00:00:00.000Z',
          startTs: at('2026-01-01T00:00Z'),
          endTs: null,
          durationMs: null,
        },
      },
    ])
    expect(tick(silent.state, at('2026-01-01T00:40Z'), params).events).toEqual([])
    state = tick(silent.state, at('2026-01-01T00:50Z'), params).state
    const back = processReading(state, reading('2026-01-01T00:45Z', 5), params)
    expect(types(back.events)).toEqual(['gap_closed'])
    expect(report(back.state, params).gaps[0]).toMatchObject({
      endTs: at('2026-01-01T00:45Z'),
      durationMs: 45 * MIN,
    })
  })
})

describe('excursion engine: humidity', () => {
  const produce = chilled({ humidity: { lowPct: 85, highPct: 95, delayMs: 10 * MIN } })

  it('raises humidity excursions with the same machinery when the profile has bounds', () => {
    const rh = [90, 80, 80, 80, 86, 88]
    const r = evaluateSeries(
      rh.map((h, i) => ({ ts: at('2026-01-01T00:00Z') + i * 5 * MIN, tempC: 4, rh: h })),
      produce,
    )
    expect(r.excursions).toHaveLength(1)
    expect(r.excursions[0]).toMatchObject({
      kind: 'humidity',
      side: 'low',
      bound: 85,
      peak: 80,
      startTs: at('2026-01-01T00:05Z'),
      // 86 %RH is in range but inside the 2 %RH hysteresis; 88 clears.
      endTs: at('2026-01-01T00:25Z'),
      area: 75,
    })
    expect(r.budget.outOfRangeMs).toBe(0)
  })

  it('ignores humidity when the profile has no humidity bounds', () => {
    const r = evaluateSeries(
      [10, 20, 30, 40].map((h, i) => ({ ts: at('2026-01-01T00:00Z') + i * 10 * MIN, tempC: 4, rh: h })),
      params,
    )
    expect(r.excursions).toEqual([])
  })
})

describe('excursion engine: state', () => {
  it('ignores a re-sent duplicate reading', () => {
    const once = feedEach(series('2026-01-01T00:00Z', 5, [9, 9, 9]), params)
    const again = processReadings(once.state, series('2026-01-01T00:05Z', 5, [9]), params)
    expect(again.events).toEqual([])
    expect(report(again.state, params)).toEqual(report(once.state, params))
  })

  it('advanced in place, takes a batch with a re-sent duplicate or in reverse order as a new state does', () => {
    const start = () => feedEach(series('2026-01-01T00:00Z', 5, [5, 9, 9]), params).state
    const [a, b, c] = series('2026-01-01T00:15Z', 5, [9, 9, 7]) as [RuleReading, RuleReading, RuleReading]
    for (const batch of [
      [a, a, b, c],
      [c, b, a],
      [a, b, b],
    ]) {
      const copy = processReadings(start(), batch, params)
      const inPlace = processReadings(start(), batch, params, { inPlace: true })
      expect(inPlace.events).toEqual(copy.events)
      expect(report(inPlace.state, params)).toEqual(report(copy.state, params))
    }
  })

  it('is plain JSON: a stored and reloaded state carries on identically', () => {
    const rs = series('2026-01-01T00:00Z', 5, [5, 9, 9, 9, 9, 7, 5])
    const direct = feedEach(rs, params)
    let state = createState('WB1')
    for (const r of rs) state = JSON.parse(JSON.stringify(processReading(state, r, params).state))
    expect(report(state, params)).toEqual(report(direct.state, params))
  })

  it('keeps the fields every reading writes as numbers from creation on, and reports "none" as null', () => {
    // V8 updates a number in place only in a field that never held anything else (src/rules/time.ts `NO_TIME`).
    const hot = (st: ExcursionState) => [
      st.scan.newestTs,
      st.scan.temp.prevTs,
      st.scan.temp.prevValue,
      st.scan.rh.prevTs,
      st.scan.rh.prevValue,
      st.scan.totals.minC,
      st.scan.totals.maxC,
    ]
    const empty = createState('WB1')
    const stored = JSON.parse(JSON.stringify(empty)) as ExcursionState
    expect(stored).toEqual(empty)
    const fed = processReadings(createState('WB1'), series('2026-01-01T00:00Z', 5, [4.3, 4.6]), params, {
      inPlace: true,
    }).state
    for (const st of [empty, stored, fed]) expect(hot(st).every(Number.isFinite)).toBe(true)
    expect(report(empty, params).stats).toMatchObject({ firstTs: null, lastTs: null, minC: null, maxC: null })
  })

  it('never modifies the state it is given', () => {
    const first = feedEach(series('2026-01-01T00:00Z', 5, [5, 9, 9, 9, 9]), params).state
    const snapshot = JSON.stringify(first)
    processReadings(first, series('2026-01-01T00:25Z', 5, [7, 5]), params)
    processReadings(first, [reading('2026-01-01T00:07Z', 5)], params)
    tick(first, at('2026-01-01T05:00Z'), params)
    expect(JSON.stringify(first)).toBe(snapshot)
  })
})
