/**
 * End to end through MQTT (issue 3 acceptance): an order created through the API, a scanner, a box sensor and
 * a truck sensor connected as real mqtt.js clients; their scans and readings become tracking nodes with
 * snapshots, an excursion (one part of it uploaded as a back-filled batch), alerts that people acknowledge
 * and resolve through the API, and the trail.
 */
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayEvent } from '../../src/events.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'

const MIN = 60_000
// Device time: two hours ago, so every reading is in the past (the gateway refuses device clocks far ahead).
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN
const iso = (ms: number) => new Date(ms).toISOString()

let gw: TestGateway
let scanner: MqttClient
let box: MqttClient
let truck: MqttClient
const events: GatewayEvent[] = []
let seq = 0

const publish = (client: MqttClient, topic: string, payload: unknown) =>
  client.publishAsync(topic, JSON.stringify(payload), { qos: 1 })
const scan = (event: string, at: number, container?: string) =>
  publish(scanner, 'cc/SC-1/scan', { ts: iso(at), seq: ++seq, waybill: 'E2E-1', event, container })

beforeAll(async () => {
  gw = await startTestGateway()
  gw.gateway.events.subscribe((e) => events.push(e))
  const created = await gw.api('POST', '/api/v1/orders', {
    platform: 'douyin',
    platformOrderId: 'DY-42',
    merchant: 'm-1',
    items: [{ sku: 'SALMON', name: 'Salmon fillet', qty: 2, tempClass: 'fresh_meat' }],
    profile: 'chilled',
    slaTier: 'same_day',
    consigneeRegion: 'CN-31',
    waybillNo: 'E2E-1',
  })
  expect(created.status).toBe(201)
  const secrets = {
    scanner: await gw.registerDevice('SC-1', 'scanner'),
    box: await gw.registerDevice('BOX-S', 'box_sensor', { container: 'BOX-1' }),
    truck: await gw.registerDevice('TRK-S', 'truck_sensor', { container: 'TRUCK-1' }),
  }
  scanner = await gw.connect('SC-1', secrets.scanner)
  box = await gw.connect('BOX-S', secrets.box)
  truck = await gw.connect('TRK-S', secrets.truck)

  await scan('pickup', T0, 'BOX-1')
  await scan('load', T0 + MIN, 'TRUCK-1')
  // The box reads every 2 min: in range, then 10 °C from +20 to +40 min. Readings +20..+30 come live; the box
  // then loses signal and uploads +32..+40 as one batch with their original timestamps.
  const boxValues = [...Array(10).fill(4), ...Array(11).fill(10), ...Array(10).fill(4)]
  const reading = (i: number) => ({ ts: T0 + i * 2 * MIN, seq: 1000 + i, temp_c: boxValues[i] })
  for (let i = 0; i <= 15; i++) {
    await publish(box, 'cc/BOX-S/telemetry', reading(i))
    await publish(truck, 'cc/TRK-S/telemetry', { ts: T0 + i * 2 * MIN, seq: 1000 + i, temp_c: 3 })
  }
  await publish(box, 'cc/BOX-S/telemetry', { readings: [16, 17, 18, 19, 20].map(reading) })
  for (let i = 21; i < boxValues.length; i++) await publish(box, 'cc/BOX-S/telemetry', reading(i))
  await scan('unload', T0 + 61 * MIN, 'TRUCK-1')
  await scan('delivered', T0 + 62 * MIN)
})

afterAll(async () => {
  await gw?.stop()
})

describe('a parcel through MQTT, from order to signature', () => {
  it('makes each scan a tracking node with its hand-over snapshot', async () => {
    const res = await gw.api<{ status: string; nodes: { event: string; temperatureSnapshot: unknown }[] }>(
      'GET',
      '/api/v1/waybills/E2E-1',
    )
    expect(res.body.status).toBe('delivered')
    expect(res.body.nodes.map((n) => n.event)).toEqual(['pickup', 'load', 'unload', 'delivered'])
    expect(res.body.nodes[0]?.temperatureSnapshot).toMatchObject({
      at: iso(T0),
      tempC: 4,
      inRange: true,
      sensorId: 'BOX-S',
      container: 'BOX-1',
    })
    expect(res.body.nodes[3]?.temperatureSnapshot).toMatchObject({ tempC: 4, minC: 4, maxC: 10 })
  })

  it('opens the excursion on device time, box sensor over truck sensor, and publishes it', () => {
    const opened = events.filter((e) => e.type === 'excursion.opened')
    expect(opened).toEqual([
      expect.objectContaining({
        waybill: 'E2E-1',
        excursion: expect.objectContaining({ startedAt: T0 + 20 * MIN, side: 'high', profile: 'chilled' }),
      }),
    ])
    const cleared = events.find((e) => e.type === 'excursion.cleared')
    expect(cleared?.['excursion']).toMatchObject({ endedAt: T0 + 42 * MIN, peak: 10 })
    expect(events.some((e) => e.type === 'alert.opened')).toBe(true)
  })

  it('lets people acknowledge and resolve the alert through the API, recording who and why', async () => {
    const list = await gw.api<{ items: { id: number; kind: string; state: string }[] }>(
      'GET',
      '/api/v1/alerts?waybill=E2E-1',
    )
    const alert = list.body.items.find((a) => a.kind === 'temperature')
    expect(alert?.state).toBe('cleared_unack')
    const ack = await gw.api<{ state: string }>('POST', `/api/v1/alerts/${alert?.id}/ack`, {
      note: 'driver checked the box',
    })
    expect(ack.body.state).toBe('cleared_ack')
    const resolved = await gw.api<{ state: string; disposition: string; transitions: { action: string }[] }>(
      'POST',
      `/api/v1/alerts/${alert?.id}/resolve`,
      { disposition: 'quarantine', note: 'QA to test the salmon' },
    )
    expect(resolved.body).toMatchObject({ state: 'resolved', disposition: 'quarantine' })
    expect(resolved.body.transitions.map((t) => t.action)).toEqual(['open', 'clear', 'ack', 'resolve'])
  })

  it('serves the trail: readings by custody segment, the excursion, the summary', async () => {
    const res = await gw.api<{
      segments: { container: string }[]
      readings: { deviceId: string }[]
      excursions: { state: string }[]
      summary: { maxC: number; outOfRangeMs: number; budgetLeftMs: number }
    }>('GET', '/api/v1/waybills/E2E-1/trail')
    expect(res.status).toBe(200)
    expect(res.body.segments.map((s) => s.container)).toEqual(['BOX-1'])
    expect(res.body.readings).toHaveLength(31)
    expect(res.body.readings.every((r) => r.deviceId === 'BOX-S')).toBe(true)
    expect(res.body.excursions.map((x) => x.state)).toEqual(['closed'])
    expect(res.body.summary).toMatchObject({ maxC: 10, outOfRangeMs: 22 * MIN, budgetLeftMs: 38 * MIN })
  })
})
