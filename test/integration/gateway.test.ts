/**
 * The gateway as a user meets it: devices registered over the API publish over MQTT, and what they sent comes
 * back through the API — readings, dead letters with reasons, metrics — and disabling a device cuts it off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway, type TestGateway } from '../support/gateway.js'

describe('the gateway end to end', () => {
  let gw: TestGateway
  beforeAll(async () => {
    gw = await startTestGateway()
  })
  afterAll(() => gw.stop())

  it('stores a batch over MQTT, keeps the good readings and dead-letters the bad one by index', async () => {
    const secret = await gw.registerDevice('truck-7', 'truck_sensor', { container: 'TRUCK-7' })
    const client = await gw.connect('truck-7', secret)
    const now = Date.now()
    await client.publishAsync(
      'cc/truck-7/telemetry',
      JSON.stringify({
        readings: [
          { ts: now - 120_000, seq: 1, temp_c: 3.1 },
          { ts: now - 60_000, seq: 2, temp_c: 'cold' },
          { ts: now, seq: 3, temp_c: 3.4, rh: 88 },
        ],
      }),
      { qos: 1 },
    )
    const readings = await gw.api<{ items: { seq: number; tempC: number }[] }>(
      'GET',
      '/api/v1/devices/truck-7/readings',
    )
    expect(readings.status).toBe(200)
    expect(readings.body.items.map((r) => [r.seq, r.tempC])).toEqual([
      [1, 3.1],
      [3, 3.4],
    ])
    const letters = await gw.api<{ items: { reason: string; index: number | null; deviceId: string }[] }>(
      'GET',
      '/api/v1/dead-letters?device=truck-7',
    )
    expect(letters.body.items).toEqual([
      expect.objectContaining({ reason: 'INGEST_SCHEMA', index: 1, deviceId: 'truck-7' }),
    ])
  })

  it('counts messages and dead letters in the Prometheus metrics', async () => {
    const res = await fetch(`http://127.0.0.1:${gw.ports.http}/metrics`)
    const text = await res.text()
    expect(text).toMatch(/cc_mqtt_messages_in_total\{kind="telemetry",qos="1"\} [1-9]/)
    expect(text).toMatch(/cc_dead_letters_total\{reason="INGEST_SCHEMA"\} [1-9]/)
    expect(text).toMatch(/cc_store_commit_seconds_count [1-9]/)
  })

  it('cuts a device off the moment an admin disables it, and refuses it after', async () => {
    const secret = await gw.registerDevice('box-9', 'box_sensor')
    const client = await gw.connect('box-9', secret)
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    const res = await gw.api('PATCH', '/api/v1/devices/box-9', { enabled: false })
    expect(res.status).toBe(200)
    await closed
    await expect(gw.connect('box-9', secret)).rejects.toThrow()
  })
})
