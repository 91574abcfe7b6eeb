import { describe, expect, it } from 'vitest'
import {
  createState,
  evaluateSeries,
  processReadings,
  type RuleEvent,
  type RuleReading,
  report,
  tick,
} from '../../../src/rules/index.js'
import { at, chilled, feedEach, MIN, replay, series, types } from './fixtures.js'

const params = chilled()

describe('scenario: reefer failure', () => {
  it('reports one excursion with the right start, peak and area when the load warms past 8 °C for 40 min', () => {
    // Compressor fails at 00:00; the load warms 0.5 °C per 5 min, crosses 8 °C at 00:25, peaks at 10.5 °C,
    // and is back at 7 °C at 01:05 once the driver switches to the spare unit.
    const values = [6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10, 10.5, 10, 9.5, 9, 7, 6]
    const { state, events } = feedEach(series('2026-01-01T00:00Z', 5, values), params)
    expect(types(events).filter((t) => t !== 'excursion_updated')).toEqual([
      'excursion_opened',
      'excursion_cleared',
    ])
    expect(report(state, params).excursions).toEqual([
      expect.objectContaining({
        side: 'high',
        startTs: at('2026-01-01T00:25Z'),
        openedAt: at('2026-01-01T00:35Z'),
        endTs: at('2026-01-01T01:05Z'),
        durationMs: 40 * MIN,
        outOfRangeMs: 40 * MIN,
        peak: 10.5,
        peakTs: at('2026-01-01T00:45Z'),
        // (0.5 + 1 + 1.5 + 2 + 2.5 + 2 + 1.5 + 1) °C × 5 min
        area: 60,
        severity: 'major',
      }),
    ])
  })
})

describe('scenario: door left open during loading', () => {
  it('raises no excursion for a spike shorter than the delay, but counts it against the budget', () => {
    const values = [4, 4, 4, 9.5, 11, 10, 8.6, 6, 4.5, 4, 4]
    const { state, events } = feedEach(series('2026-01-01T08:00Z', 1, values), params)
    expect(events).toEqual([])
    const r = report(state, params)
    expect(r.excursions).toEqual([])
    expect(r.budget).toMatchObject({ outOfRangeMs: 4 * MIN, leftMs: 56 * MIN })
  })
})

describe('scenario: a box goes offline for 2 h and uploads a back-filled batch', () => {
  it('opens the excursion retroactively as detected late, withdraws the offline gap and raises nothing else', () => {
    const before = series('2026-01-01T08:00Z', 5, Array(25).fill(4)) // 08:00 … 10:00
    // While offline the box warms to 11 °C between 10:30 and 11:10 and recovers.
    const offline = series(
      '2026-01-01T10:05Z',
      5,
      [4, 5, 6, 7, 8, 9, 10, 11, 11, 11, 10, 9, 8.5, 7, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4],
    )
    let state = feedEach(before, params).state
    const events: RuleEvent[] = []
    for (let t = at('2026-01-01T10:05Z'); t <= at('2026-01-01T12:00Z'); t += 5 * MIN) {
      const r = tick(state, t, params)
      state = r.state
      events.push(...r.events)
    }
    expect(types(events)).toEqual(['gap_opened'])
    // The upload arrives newest first, as many loggers send their buffer.
    const upload = processReadings(state, [...offline].reverse(), params)
    expect(types(upload.events)).toEqual(['gap_withdrawn', 'excursion_opened', 'excursion_cleared'])
    expect(upload.events[0]).toMatchObject({
      reason:
        'late data filled it: 24 reading(s) from 2026-01-01T10:05:00.000Z to 2026-01-01T12:00:00.000Z arrived; no interval is longer than the maximum gap',
    })
    expect(upload.events[1]).toMatchObject({
      detectedLate: true,
      excursion: { startTs: at('2026-01-01T10:30Z'), endTs: at('2026-01-01T11:10Z'), peak: 11 },
    })
    const r = report(upload.state, params)
    expect(r.gaps).toEqual([])
    expect(r.excursions).toEqual(evaluateSeries([...before, ...offline], params, 'WB1').excursions)
  })
})

describe('scenario: late data disproves an excursion', () => {
  it('withdraws the excursion with the reason once the delayed readings show the load was in range', () => {
    const sent = [series('2026-01-01T00:00Z', 5, [5, 9]), series('2026-01-01T00:20Z', 5, [9.2])]
    const delayed = series('2026-01-01T00:10Z', 5, [6.9, 7.2])
    let state = createState('WB1')
    const events: RuleEvent[] = []
    for (const batch of [...sent, delayed]) {
      const r = processReadings(state, batch, params)
      state = r.state
      events.push(...r.events)
    }
    expect(types(events)).toEqual(['excursion_opened', 'excursion_withdrawn'])
    expect(events[1]).toMatchObject({
      reason: expect.stringContaining('late data disproved it: readings at'),
    })
    expect(replay(events).excursions.size).toBe(0)
  })
})

describe('scenario: clock skew within a device', () => {
  it('gives the same excursions whatever order minutes-skewed readings arrive in', () => {
    const values = [6, 7, 8.5, 9, 9.5, 10, 10, 9.5, 9, 9, 8.8, 8.2, 7.9, 8.3, 7, 6, 9, 9, 5, 4]
    const readings = series('2026-01-01T00:00Z', 2, values)
    // Arrival order follows a clock that is off by up to 6 minutes, differently for each reading.
    const skewed = readings
      .map((r, i) => ({ r, arrives: r.ts + ((i * 3) % 7) * MIN }))
      .sort((a, b) => a.arrives - b.arrives)
      .map((x): RuleReading => x.r)
    expect(skewed).not.toEqual(readings)
    const inOrder = feedEach(readings, params)
    const outOfOrder = feedEach(skewed, params)
    expect(report(outOfOrder.state, params)).toEqual(report(inOrder.state, params))
    expect([...replay(outOfOrder.events).excursions.values()]).toEqual(
      report(inOrder.state, params).excursions,
    )
  })
})

describe('scenario: hysteresis', () => {
  it('keeps an open excursion open while the value oscillates around the bound', () => {
    const oscillating = [9, 9, 9, 7.9, 8.3, 7.8, 8.2, 7.7, 8.4, 7.9, 8.1, 7.4, 7]
    const { state, events } = feedEach(series('2026-01-01T00:00Z', 5, oscillating), params)
    expect(types(events).filter((t) => t !== 'excursion_updated')).toEqual([
      'excursion_opened',
      'excursion_cleared',
    ])
    expect(report(state, params).excursions).toHaveLength(1)
    expect(report(state, params).excursions[0]?.endTs).toBe(at('2026-01-01T00:55Z'))
  })

  it('would flap without hysteresis and delay, which is why both exist', () => {
    const bare = chilled({ clearHysteresisC: 0, alarmDelayMs: 0 })
    const r = evaluateSeries(series('2026-01-01T00:00Z', 5, [9, 7.9, 8.3, 7.8, 8.2, 7.7]), bare)
    expect(r.excursions).toHaveLength(3)
  })
})
