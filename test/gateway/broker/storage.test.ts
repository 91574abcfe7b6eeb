import { afterEach, describe, expect, it } from 'vitest'
import type { Ingest } from '../../../ingest/ingest.js'
import { closeOf, type Harness, reading, startBroker, until } from './harness.js'

/** An ingest that holds every message until `open()` is called. */
function gated() {
  let open!: () => void
  const gate = new Promise<void>((resolve) => {
    open = resolve
  })
  return {
    open,
    wrap: (real: Ingest) => ({
      accept: (m: Parameters<Ingest['accept']>[0]) => gate.then(() => real.accept(m)),
    }),
  }
}

describe('broker storage before acknowledgement', () => {
  let h: Harness
  afterEach(() => h.close())

  it('stores telemetry, scans and status of the contract', async () => {
    h = await startBroker()
    await h.addDevice('truck-1', 'truck_sensor')
    await h.addDevice('scan-1', 'scanner')
    const truck = await h.connect('truck-1')
    const scanner = await h.connect('scan-1')
    await truck.publishAsync('cc/truck-1/telemetry', reading(1), { qos: 1 })
    await truck.publishAsync(
      'cc/truck-1/telemetry',
      JSON.stringify({ readings: [JSON.parse(reading(2)), JSON.parse(reading(3))] }),
      { qos: 1 },
    )
    await truck.publishAsync(
      'cc/truck-1/status',
      JSON.stringify({ ts: Date.now(), online: true, fw: '1.2.0' }),
      { qos: 1 },
    )
    const scan = { ts: Date.now(), seq: 1, waybill: 'WB-1', event: 'pickup', location: { name: 'depot' } }
    await scanner.publishAsync('cc/scan-1/scan', JSON.stringify(scan), { qos: 1 })
    expect(h.count('readings', 'truck-1')).toBe(3)
    expect(h.count('device_status', 'truck-1')).toBe(1)
    expect(h.count('scans', 'scan-1')).toBe(1)
    expect(h.count('dead_letters')).toBe(0)
  })

  it('acknowledges a QoS 1 reading only once it is committed', async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    const client = await h.connect('box-1')
    for (let seq = 1; seq <= 20; seq++) {
      await client.publishAsync('cc/box-1/telemetry', reading(seq), { qos: 1 })
      // The PUBACK has arrived: the row must be there already, not merely queued.
      expect(h.count('readings', 'box-1')).toBe(seq)
    }
  })

  it('completes a QoS 2 exchange only once the reading is committed', async () => {
    const gate = gated()
    h = await startBroker({ ingest: gate.wrap })
    await h.addDevice('box-1')
    const client = await h.connect('box-1')
    let done = false
    const published = client.publishAsync('cc/box-1/telemetry', reading(1), { qos: 2 }).then(() => {
      done = true
    })
    await new Promise((r) => setTimeout(r, 100))
    expect(done).toBe(false)
    gate.open()
    await published
    expect(h.count('readings', 'box-1')).toBe(1)
  })

  it('holds the PUBACK while the store has not committed', async () => {
    const gate = gated()
    h = await startBroker({ ingest: gate.wrap })
    await h.addDevice('box-1')
    const client = await h.connect('box-1')
    let acked = false
    const published = client.publishAsync('cc/box-1/telemetry', reading(1), { qos: 1 }).then(() => {
      acked = true
    })
    await new Promise((r) => setTimeout(r, 100))
    expect(acked).toBe(false)
    gate.open()
    await published
    expect(h.count('readings', 'box-1')).toBe(1)
  })

  it('disconnects without PUBACK when the commit fails', async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    const client = await h.connect('box-1')
    h.db.exec('DROP TABLE readings')
    let acked = false
    void client.publishAsync('cc/box-1/telemetry', reading(1), { qos: 1 }).then(
      () => {
        acked = true
      },
      () => {},
    )
    await closeOf(client)
    expect(acked).toBe(false)
  })

  it('stores QoS 0 readings without holding anything', async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    const client = await h.connect('box-1')
    for (let seq = 1; seq <= 5; seq++) client.publish('cc/box-1/telemetry', reading(seq), { qos: 0 })
    await until(() => h.count('readings', 'box-1') === 5)
  })

  it('dead-letters a message on a non-contract topic under the device prefix', async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    const client = await h.connect('box-1')
    await client.publishAsync('cc/box-1/foo', 'hello', { qos: 1 })
    const row = h.db.prepare('SELECT reason, topic FROM dead_letters').get() as {
      reason: string
      topic: string
    }
    expect(row).toEqual({ reason: 'INGEST_UNKNOWN_TOPIC', topic: 'cc/box-1/foo' })
  })

  it('stores the will of a device whose connection drops', async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    const payload = JSON.stringify({ ts: Date.now(), online: false })
    const client = await h.connect('box-1', {
      will: { topic: 'cc/box-1/status', payload: Buffer.from(payload), qos: 1, retain: true },
    })
    client.stream.destroy()
    await until(() => h.count('device_status', 'box-1') === 1)
  })

  it('lets in-flight publishes commit and acknowledges them when the broker stops', async () => {
    const gate = gated()
    h = await startBroker({ ingest: gate.wrap })
    await h.addDevice('box-1')
    const client = await h.connect('box-1')
    const published = client.publishAsync('cc/box-1/telemetry', reading(1), { qos: 1 })
    // Let the PUBLISH reach the broker, where the gate holds it.
    await new Promise((r) => setTimeout(r, 50))
    const stopped = h.broker.stop()
    expect(h.broker.ready).toBe(false)
    gate.open()
    await published
    await stopped
    expect(h.count('readings', 'box-1')).toBe(1)
  })
})
