import { afterEach, describe, expect, it } from 'vitest'
import { runScenarios } from '../../../simulator/fleet/run-command.js'
import { type FakeApi, startBroker, startFakeApi } from './fakes.js'

const TOKEN = 'sim-test-admin-token'
const START = Date.parse('2026-07-01T06:00:00+08:00')

type Reading = { ts: string | number; seq: number; temp_c: number }

describe('the fleet against a real MQTT broker and an HTTP API', () => {
  let api: FakeApi | null = null
  let broker: Awaited<ReturnType<typeof startBroker>> | null = null
  afterEach(async () => {
    await broker?.close()
    await api?.close()
  })

  it('registers devices, creates orders, publishes readings, back-filled batches, scans and wills', async () => {
    api = await startFakeApi(TOKEN)
    broker = await startBroker(api.secrets)
    // One device exists already: its registration answers 409 and the simulator rotates its secret.
    api.secrets.set('e-bo-van.s', 'old-secret')
    api.assignWaybill = (asked) => `GW${asked.replace(/^e-bo-W/, '')}`
    const { truth, plan } = await runScenarios({
      scenarios: ['box-offline-backfill'],
      seed: 42,
      speed: 'max',
      start: START,
      // Long enough for both incidents; box B's parcel is still on its way at the end.
      durationMs: 7.5 * 3_600_000,
      runId: 'e',
      gateway: api.url,
      mqtt: broker.url,
      token: TOKEN,
    })

    expect(api.calls.every((c) => c.auth === `Bearer ${TOKEN}`)).toBe(true)
    const registered = api.calls.filter((c) => c.path === '/api/v1/devices').map((c) => c.body)
    expect(registered).toHaveLength(plan.devices.length)
    expect(registered).toContainEqual({
      id: 'e-bo-box1.s',
      kind: 'box_sensor',
      label: 'bo box1.s',
      container: 'e-bo-box1',
    })
    expect(api.calls.some((c) => c.path === '/api/v1/devices/e-bo-van.s/secret')).toBe(true)
    const orders = api.calls
      .filter((c) => c.path === '/api/v1/orders')
      .map((c) => c.body as Record<string, unknown>)
    expect(orders).toHaveLength(2)
    expect(orders).toContainEqual(
      expect.objectContaining({
        profile: 'chilled',
        slaTier: 'next_day',
        waybillNo: 'e-bo-W001',
        consigneeRegion: expect.any(String),
      }),
    )

    // Scans carry the gateway's waybill numbers, and so does the truth.
    const scans = broker.received
      .filter((m) => m.topic.endsWith('/scan'))
      .map((m) => JSON.parse(m.payload) as { waybill: string })
    expect(new Set(scans.map((s) => s.waybill))).toEqual(new Set(['GW001', 'GW002']))
    expect(truth.waybills.map((w) => [w.no, w.orderId !== null])).toEqual([
      ['GW001', true],
      ['GW002', true],
    ])

    // Box A was offline for 2 h: its readings arrived as batches, with their original timestamps, in order.
    const boxA = 'e-bo-box1.s'
    const batches = broker.received
      .filter((m) => m.topic === `cc/${boxA}/telemetry`)
      .map((m) => JSON.parse(m.payload) as { readings?: Reading[] })
      .filter((p) => p.readings)
    expect(batches).toHaveLength(1)
    const backfill = batches[0]?.readings ?? []
    expect(backfill).toHaveLength(60)
    const times = backfill.map((r) => (typeof r.ts === 'number' ? r.ts : Date.parse(r.ts)))
    expect(times).toEqual([...times].sort((a, b) => a - b))
    const offlineAt = START + 3.5 * 3_600_000
    expect(times[0]).toBeGreaterThanOrEqual(offlineAt)
    expect(times[0]).toBeLessThan(offlineAt + 2 * 60_000)
    expect(times.at(-1)).toBeLessThan(offlineAt + 2 * 3_600_000)
    expect(Math.max(...backfill.map((r) => r.temp_c))).toBeGreaterThan(8)

    // Losing the signal let the broker publish the retained offline will.
    const wills = broker.received.filter(
      (m) => m.topic === `cc/${boxA}/status` && m.retain && JSON.parse(m.payload).online === false,
    )
    expect(wills.length).toBeGreaterThanOrEqual(1)

    // Everything the truth counts reached the broker (unique device + seq).
    const seen = new Set<string>()
    for (const m of broker.received.filter((x) => x.topic.endsWith('/telemetry'))) {
      const p = JSON.parse(m.payload) as Reading | { readings: Reading[] }
      for (const r of 'readings' in p ? p.readings : [p]) seen.add(`${m.topic}:${r.seq}`)
    }
    expect(seen.size).toBe(truth.totals.readings)
    expect(truth.waybills[0]?.excursions).toHaveLength(1)
    expect(truth.waybills[1]?.gaps).toHaveLength(1)
  })

  it('switches the platform fault on and off in the sandbox', async () => {
    api = await startFakeApi(TOKEN)
    broker = await startBroker(api.secrets)
    await runScenarios({
      scenarios: ['platform-outage'],
      seed: 1,
      speed: 'max',
      start: START,
      durationMs: 4 * 3_600_000,
      runId: 'p',
      gateway: api.url,
      mqtt: broker.url,
      token: TOKEN,
      sandbox: api.url,
    })
    const faults = api.calls.filter((c) => c.path === '/_sandbox/faults').map((c) => [c.method, c.body])
    expect(faults).toEqual([
      ['POST', { platform: 'all', outage: {} }],
      ['DELETE', undefined],
    ])
  })
})
