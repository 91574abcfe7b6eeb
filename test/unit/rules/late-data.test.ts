import { describe, expect, it } from 'vitest'
import { evaluateSeries, processReadings, rebuild, report, resolveProfile } from '../../../src/rules/index.js'
import { at, chilled, feedEach, MIN, reading, series, types } from './fixtures.js'

const params = chilled()

describe('late and back-filled readings', () => {
  it('re-evaluates the window for a late reading and reaches the in-order result', () => {
    const all = series('2026-01-01T00:00Z', 5, [5, 9, 9, 9, 9, 5, 9, 9, 5])
    const late = all[2]!
    const { state } = feedEach([...all.filter((r) => r !== late), late], params)
    expect(report(state, params)).toEqual(evaluateSeries(all, params, 'WB1'))
  })

  it('withdraws an excursion that late data disproves, citing the in-range readings', () => {
    const first = feedEach(
      [reading('2026-01-01T00:00Z', 5), reading('2026-01-01T00:05Z', 9), reading('2026-01-01T00:20Z', 9.2)],
      params,
    )
    expect(types(first.events)).toEqual(['excursion_opened'])
    const late = processReadings(
      first.state,
      [reading('2026-01-01T00:15Z', 7.2), reading('2026-01-01T00:10Z', 6.9)],
      params,
    )
    expect(types(late.events)).toEqual(['excursion_withdrawn'])
    const withdrawn = late.events[0]
    if (withdrawn?.type !== 'excursion_withdrawn') throw new Error('expected a withdrawal')
    expect(withdrawn.excursion.id).toBe('WB1:temperature:high:2026-01-01T00:05:00.000Z')
    expect(withdrawn.reason).toBe(
      'late data disproved it: readings at 2026-01-01T00:10:00.000Z (6.9 °C), 2026-01-01T00:15:00.000Z (7.2 °C) were in range',
    )
    expect(withdrawn.supersededBy).toBeUndefined()
    expect(report(late.state, params).excursions).toEqual([])
  })

  it('supersedes an excursion whose start late data moves earlier, pointing to the new id', () => {
    const first = feedEach(series('2026-01-01T00:10Z', 5, [9, 9, 9, 9]), params)
    const late = processReadings(
      first.state,
      [reading('2026-01-01T00:05Z', 9.5), reading('2026-01-01T00:00Z', 5)],
      params,
    )
    expect(types(late.events)).toEqual(['excursion_withdrawn', 'excursion_opened'])
    const [withdrawn, opened] = late.events
    if (withdrawn?.type !== 'excursion_withdrawn' || opened?.type !== 'excursion_opened')
      throw new Error('events')
    expect(withdrawn.supersededBy).toBe(opened.excursion.id)
    expect(opened.excursion.startTs).toBe(at('2026-01-01T00:05Z'))
    expect(opened.detectedLate).toBe(true)
  })

  it('opens an excursion found in late data retroactively, marked as detected late', () => {
    const first = feedEach(
      [reading('2026-01-01T00:00Z', 5), reading('2026-01-01T00:25Z', 5), reading('2026-01-01T00:30Z', 5)],
      params,
    )
    const late = processReadings(first.state, series('2026-01-01T00:05Z', 5, [9, 9, 9, 9]), params)
    expect(types(late.events)).toEqual(['excursion_opened', 'excursion_cleared'])
    expect(late.events[0]).toMatchObject({ type: 'excursion_opened', detectedLate: true })
    expect(late.events[1]).toMatchObject({
      excursion: { startTs: at('2026-01-01T00:05Z'), endTs: at('2026-01-01T00:25Z') },
    })
  })

  it('withdraws a gap that a late batch fills', () => {
    const first = feedEach([reading('2026-01-01T00:00Z', 5), reading('2026-01-01T01:00Z', 5)], params)
    expect(types(first.events)).toEqual(['gap_opened', 'gap_closed'])
    const late = processReadings(first.state, series('2026-01-01T00:20Z', 20, [5, 5]), params)
    expect(types(late.events)).toEqual(['gap_withdrawn'])
    expect(late.events[0]).toMatchObject({
      reason:
        'late data filled it: 2 reading(s) from 2026-01-01T00:20:00.000Z to 2026-01-01T00:40:00.000Z arrived; no interval is longer than the maximum gap',
    })
    expect(report(late.state, params).stats.unknownMs).toBe(0)
  })

  it('updates a gap that late data narrows', () => {
    const first = feedEach([reading('2026-01-01T00:00Z', 5), reading('2026-01-01T01:00Z', 5)], params)
    const late = processReadings(first.state, [reading('2026-01-01T00:40Z', 5)], params)
    expect(late.events).toEqual([
      {
        type: 'gap_updated',
        gap: {
          id: 'WB1:gap:2026-01-01T00:00:00.000Z',
          startTs: at('2026-01-01T00:00Z'),
          endTs: at('2026-01-01T00:40Z'),
          durationMs: 40 * MIN,
        },
      },
    ])
  })

  it('withdraws an exhausted budget when late data shows the time out of range was shorter', () => {
    const p = chilled({ cumulativeBudgetMs: 15 * MIN, alarmDelayMs: 60 * MIN })
    const first = feedEach([reading('2026-01-01T00:00Z', 9), reading('2026-01-01T00:20Z', 5)], p)
    expect(types(first.events)).toEqual(['excursion_opened', 'excursion_cleared', 'budget_exhausted'])
    const late = processReadings(first.state, [reading('2026-01-01T00:05Z', 5)], p)
    expect(types(late.events)).toEqual(['excursion_withdrawn', 'budget_withdrawn'])
    expect(late.events[1]).toMatchObject({
      reason: 'late data reduced the time out of range to 5 min, within the 15 min budget',
      budget: { outOfRangeMs: 5 * MIN, leftMs: 10 * MIN, exhaustedAt: null },
    })
  })

  it('hands back readings older than the window; rebuild from the stored readings takes them in exactly', () => {
    const p = chilled({}, { spanMs: 60 * MIN, chunkSize: 4 })
    const all = series('2026-01-01T00:00Z', 5, [5, 9, 9, 9, 9, 5, ...Array(30).fill(5)])
    const withoutEarly = all.filter((_, i) => i !== 2)
    const streamed = feedEach(withoutEarly, p)
    const late = processReadings(streamed.state, [all[2]!], p)
    expect(late.tooLate).toEqual([all[2]])
    expect(late.events).toEqual([])
    const rebuilt = rebuild(late.state, all, p)
    expect(rebuilt.events).toEqual([])
    expect(report(rebuilt.state, p)).toEqual(evaluateSeries(all, p, 'WB1'))
  })

  it('reports only the differences when a profile change is applied with rebuild', () => {
    const all = series('2026-01-01T00:00Z', 5, [5, 7, 7, 7, 5])
    const { state } = feedEach(all, params)
    const strict = { profile: resolveProfile(params.profile, { highC: 6 }) }
    const rebuilt = rebuild(state, all, strict)
    expect(types(rebuilt.events)).toEqual(['excursion_opened', 'excursion_cleared'])
    expect(rebuilt.events[0]).toMatchObject({ excursion: { bound: 6, peak: 7 }, detectedLate: true })
  })
})
