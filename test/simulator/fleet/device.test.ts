import { describe, expect, it } from 'vitest'
import { SimDevice } from '../../../simulator/fleet/device.js'
import { MemoryBroker } from '../../../simulator/fleet/memory-link.js'
import type { DeviceSpec } from '../../../simulator/fleet/plan.js'
import { SentLog } from '../../../simulator/fleet/sent-log.js'
import { standardSensor } from '../../../simulator/thermal/sensor.js'

const T0 = Date.parse('2026-07-01T02:00:00Z')
const MIN = 60_000

const spec: DeviceSpec = {
  id: 'box-7.s',
  kind: 'box_sensor',
  label: 'box 7',
  container: 'box-7',
  sampleEveryMs: MIN,
  sampleOffsetMs: 0,
  clockSkewMs: 0,
  tsFormat: 'iso',
  sensor: standardSensor,
  fw: 'tl-1.8.0',
  initialBatteryPct: 90,
}

async function device(over: Partial<DeviceSpec> = {}) {
  const broker = new MemoryBroker()
  const log = new SentLog()
  const d = new SimDevice({ ...spec, ...over }, 'secret', broker.links(), log, {
    startMs: T0,
    maxBatch: 500,
    wallNow: () => 0,
  })
  await d.connect(T0)
  const telemetry = () => broker.payloads(`cc/${spec.id}/telemetry`) as Record<string, unknown>[]
  const reading = (minutes: number, tempC = 4.1) =>
    d.measure({ trueAt: T0 + minutes * MIN, tempC, rh: 80, doorOpen: null })
  return { broker, log, d, telemetry, reading }
}

describe('a simulated device', () => {
  it('announces itself online, retained, with a retained offline will', async () => {
    const { broker } = await device()
    const status = broker.messages.filter((m) => m.topic === `cc/${spec.id}/status`)
    expect(status).toHaveLength(1)
    expect(status[0]).toMatchObject({ retain: true, qos: 1 })
    expect(JSON.parse(status[0]?.payload ?? '')).toMatchObject({ online: true, fw: 'tl-1.8.0' })
  })

  it('publishes each reading with its own seq while online', async () => {
    const { telemetry, reading } = await device()
    await reading(1)
    await reading(2)
    expect(telemetry()).toEqual([
      { ts: new Date(T0 + MIN).toISOString(), seq: 0, temp_c: 4.1, rh: 80, battery_pct: 90 },
      { ts: new Date(T0 + 2 * MIN).toISOString(), seq: 1, temp_c: 4.1, rh: 80, battery_pct: 90 },
    ])
  })

  it('buffers while offline and uploads one batch with the original timestamps on reconnect', async () => {
    const { broker, d, telemetry, reading, log } = await device()
    await reading(0)
    await d.goOffline(true)
    const will = broker.messages.at(-1)
    expect(will?.topic).toBe(`cc/${spec.id}/status`)
    expect(JSON.parse(will?.payload ?? '')).toMatchObject({ online: false })
    for (const m of [1, 2, 3]) await reading(m, 9 + m)
    expect(telemetry()).toHaveLength(1)
    await d.goOnline(T0 + 5 * MIN)
    const batch = telemetry().at(-1) as { readings: Record<string, unknown>[] }
    expect(batch.readings.map((r) => [r['seq'], r['ts'], r['temp_c']])).toEqual([
      [1, new Date(T0 + MIN).toISOString(), 10],
      [2, new Date(T0 + 2 * MIN).toISOString(), 11],
      [3, new Date(T0 + 3 * MIN).toISOString(), 12],
    ])
    expect(log.readings.filter((r) => r.backfilled).map((r) => r.seq)).toEqual([1, 2, 3])
  })

  it('splits a long buffer into batches of at most maxBatch', async () => {
    const broker = new MemoryBroker()
    const d = new SimDevice(spec, 's', broker.links(), new SentLog(), { startMs: T0, maxBatch: 4 })
    await d.connect(T0)
    await d.goOffline(true)
    for (let m = 0; m < 10; m++) await d.measure({ trueAt: T0 + m * MIN, tempC: 4, rh: null, doorOpen: null })
    await d.goOnline(T0 + 11 * MIN)
    const sizes = (broker.payloads(`cc/${spec.id}/telemetry`) as { readings: unknown[] }[]).map(
      (b) => b.readings.length,
    )
    expect(sizes).toEqual([4, 4, 2])
  })

  it('re-publishes, with the same seq, what was not acknowledged before the link dropped', async () => {
    const { broker, d, telemetry, reading, log } = await device()
    broker.mute(spec.id)
    const pending = reading(1)
    await d.goOffline(true)
    await pending
    broker.mute(spec.id, false)
    await d.goOnline(T0 + 2 * MIN)
    expect(telemetry()).toEqual([
      { readings: [expect.objectContaining({ seq: 0, ts: new Date(T0 + MIN).toISOString() })] },
    ])
    expect(log.resends).toBe(1)
    expect(log.readings.map((r) => r.seq)).toEqual([0])
  })

  it('loses what it buffered across a power cycle', async () => {
    const { d, telemetry, reading, log } = await device()
    await d.goOffline(false)
    await reading(1)
    await reading(2)
    await d.goOnline(T0 + 3 * MIN)
    await reading(4)
    expect(telemetry().map((p) => p['seq'])).toEqual([2])
    expect(log.lost.map((l) => l.seq)).toEqual([0, 1])
  })

  it('stamps its own clock: skewed, in its timestamp format', async () => {
    const { telemetry, reading } = await device({ clockSkewMs: 7 * MIN, tsFormat: 'epoch' })
    await reading(1)
    expect(telemetry()[0]?.['ts']).toBe(T0 + 8 * MIN)
  })

  it('publishes scans with the location and container', async () => {
    const broker = new MemoryBroker()
    const d = new SimDevice(
      { ...spec, id: 'scan-1', kind: 'scanner', container: null },
      's',
      broker.links(),
      new SentLog(),
      { startMs: T0, maxBatch: 500 },
    )
    await d.connect(T0)
    await d.scan({
      trueAt: T0,
      waybill: 'W1',
      event: 'pickup',
      container: 'box-7',
      site: { id: 'm1', name: 'Merchant 1', lat: 31.2, lon: 121.5 },
    })
    expect(broker.payloads('cc/scan-1/scan')).toEqual([
      expect.objectContaining({
        seq: 0,
        waybill: 'W1',
        event: 'pickup',
        container: 'box-7',
        location: { name: 'Merchant 1', lat: 31.2, lon: 121.5 },
      }),
    ])
  })
})
