import { beforeEach, describe, expect, it } from 'vitest'
import { AlertService } from '../../../src/alerts/service.js'
import { loadConfig } from '../../../src/config.js'
import { AlertMapper } from '../../../src/monitoring/alerting.js'
import type { ExcursionEvent, ExcursionView } from '../../../src/monitoring/events.js'
import { memoryDb } from '../orders/fixtures.js'
import { at } from './fixtures.js'

const config = loadConfig({}, { store: { file: ':memory:' } })
const excursion = (over: Partial<ExcursionView> = {}): ExcursionView => ({
  id: 'W1:temperature:high:2026-01-01T08:10:00.000Z',
  kind: 'temperature',
  side: 'high',
  startedAt: at('08:10'),
  endedAt: null,
  peak: 9,
  areaDegreeMinutes: 10,
  detectedLate: false,
  severity: 'minor',
  profile: 'chilled',
  ...over,
})
const fact = (type: ExcursionEvent['type'], over: Partial<ExcursionView> = {}, reason?: string) => ({
  type,
  waybill: 'W1',
  excursion: excursion(over),
  ...(reason ? { reason } : {}),
})

describe('monitoring facts to alerts', () => {
  let mapper: AlertMapper
  let alerts: AlertService
  beforeEach(() => {
    alerts = new AlertService(memoryDb(), config.alerts, () => at('09:00'))
    mapper = new AlertMapper(alerts)
  })

  it('raises an excursion as a source of the waybill’s temperature alert, with what people read', () => {
    const [opened] = mapper.apply([fact('excursion.opened')])
    expect(opened?.alert).toMatchObject({
      kind: 'temperature',
      waybill: 'W1',
      severity: 'minor',
      title: 'Temperature too high since 2026-01-01T08:10:00.000Z, peak 9 °C',
      conditionStartedAt: at('08:10'),
    })
    expect(opened?.alert.sources[excursion().id]?.detail).toEqual({
      side: 'high',
      peak: 9,
      area: 10,
      startedAt: at('08:10'),
      endedAt: null,
      severity: 'minor',
      profile: 'chilled',
    })
  })

  it('updates the alert when the peak or severity changes, not for every reading', () => {
    mapper.apply([fact('excursion.opened')])
    expect(mapper.apply([fact('excursion.updated', { areaDegreeMinutes: 20 })])).toEqual([])
    const [updated] = mapper.apply([fact('excursion.updated', { peak: 11, severity: 'major' })])
    expect(updated?.alert).toMatchObject({ severity: 'major' })
  })

  it('clears in one change that carries the end and the final peak, and withdraws with the reason', () => {
    mapper.apply([fact('excursion.opened')])
    const cleared = mapper.apply([fact('excursion.cleared', { endedAt: at('08:30'), peak: 9.6 })])
    expect(cleared.map((e) => e.type)).toEqual(['alert.cleared'])
    expect(cleared[0]?.alert.sources[excursion().id]).toMatchObject({
      open: false,
      endedAt: at('08:30'),
      detail: { endedAt: at('08:30'), peak: 9.6 },
    })
    const [resolved] = mapper.apply([fact('excursion.withdrawn', {}, 'late data disproved it')])
    expect(resolved?.alert).toMatchObject({ state: 'resolved', disposition: 'false_alarm' })
  })

  it('maps gaps, sensor faults and stalls to their kinds, and ends them', () => {
    const gap = { id: 'W1:gap:x', startedAt: at('08:00'), endedAt: null, durationMs: null }
    const events = mapper.apply([
      { type: 'gap.opened', waybill: 'W1', gap },
      {
        type: 'sensor.fault',
        waybill: 'W1',
        deviceId: 'S1',
        seq: 7,
        ts: at('08:05'),
        tempC: 900,
        fault: 'range',
      },
      {
        type: 'transit.stalled',
        waybill: 'W1',
        stallId: 'W1:stall:x',
        lastNodeAt: at('00:00'),
        lastEvent: 'pickup',
        dueAt: at('08:00'),
        slaTier: 'next_day',
        maxIntervalMs: 8 * 3_600_000,
      },
      { type: 'sensor.recovered', waybill: 'W1', deviceId: 'S1', ts: at('08:07') },
      { type: 'transit.resumed', waybill: 'W1', stallId: 'W1:stall:x', nodeAt: at('08:20') },
    ])
    expect(events.map((e) => [e.type, e.alert.kind])).toEqual([
      ['alert.opened', 'data_gap'],
      ['alert.opened', 'sensor_fault'],
      ['alert.opened', 'transit_stalled'],
      ['alert.cleared', 'sensor_fault'],
      ['alert.cleared', 'transit_stalled'],
    ])
  })
})
