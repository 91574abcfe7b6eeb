import { describe, expect, it } from 'vitest'
import { withCustodyEdges } from '../../../src/monitoring/reconcile.js'
import { defaultProfiles, evaluateSeries } from '../../../src/rules/index.js'
import { at, MIN, series, times } from './fixtures.js'

const chilled = { profile: defaultProfiles.chilled }

describe('custody edges of the evaluation', () => {
  const report = (values: number[], from = '08:10') =>
    evaluateSeries(series('S1', from, 2, values), chilled, 'W1')

  it('makes the time from pickup to a late first reading a data gap', () => {
    const items = withCustodyEdges(
      'W1',
      report(times(5, 4), '08:40'),
      { pickedUpAt: at('08:00'), deliveredAt: null },
      30 * MIN,
      at('09:00'),
    )
    expect(items.gaps).toEqual([
      {
        id: 'W1:gap:2026-01-01T08:00:00.000Z',
        startTs: at('08:00'),
        endTs: at('08:40'),
        durationMs: 40 * MIN,
      },
    ])
  })

  it('reports an ongoing gap from pickup while no reading came', () => {
    const empty = evaluateSeries([], chilled, 'W1')
    const w = { pickedUpAt: at('08:00'), deliveredAt: null }
    expect(withCustodyEdges('W1', empty, w, 30 * MIN, at('08:30')).gaps).toEqual([])
    expect(withCustodyEdges('W1', empty, w, 30 * MIN, at('08:31')).gaps).toEqual([
      expect.objectContaining({ startTs: at('08:00'), endTs: null }),
    ])
  })

  it('ends an ongoing silence at delivery', () => {
    const w = { pickedUpAt: at('08:10'), deliveredAt: at('10:00') }
    const items = withCustodyEdges('W1', report(times(5, 4)), w, 30 * MIN, null)
    expect(items.gaps).toEqual([expect.objectContaining({ startTs: at('08:18'), endTs: at('10:00') })])
    const shortly = withCustodyEdges(
      'W1',
      report(times(5, 4)),
      { ...w, deliveredAt: at('08:40') },
      30 * MIN,
      null,
    )
    expect(shortly.gaps).toEqual([])
  })
})
