import { createServer } from 'node:net'
import mqtt, { type ErrorWithReasonCode } from 'mqtt'
import { afterEach, describe, expect, it } from 'vitest'
import { closeOf, type Harness, reading, startBroker, until } from './harness.js'

describe('broker lifecycle', () => {
  let h: Harness | null = null
  afterEach(async () => {
    await h?.close()
    h = null
  })

  it('binds ephemeral ports, reports them and is ready until stopped', async () => {
    h = await startBroker()
    const { mqtt: tcp, ws, tls } = h.broker.ports
    expect(tcp).toBeGreaterThan(0)
    expect(ws).toBeGreaterThan(0)
    expect(ws).not.toBe(tcp)
    expect(tls).toBeNull()
    expect(h.broker.ready).toBe(true)
    await expect(h.broker.start()).rejects.toThrow('already started')
    await h.broker.stop()
    expect(h.broker.ready).toBe(false)
    expect(() => h?.broker.ports).toThrow()
    await h.broker.stop()
  })

  it('closes clients, and sockets that never sent CONNECT, promptly on stop', async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    const client = await h.connect('box-1')
    const idle = await h.raw()
    const closed = closeOf(client)
    const started = Date.now()
    await h.broker.stop()
    await closed
    await idle.closed
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('fails to start on a port in use and leaves nothing behind', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    await expect(startBroker({ mqtt: { wsPort: port } })).rejects.toThrow(/EADDRINUSE/)
    await new Promise((resolve) => blocker.close(resolve))
  })

  it('keeps running when the device registry throws during authentication', async () => {
    h = await startBroker({
      devices: (real) => ({
        get: (id) => real.get(id),
        credentials: (id) => {
          if (id === 'boom') throw new Error('registry exploded')
          return real.credentials(id)
        },
      }),
    })
    await h.addDevice('box-1')
    const err = (await h.connect('boom').catch((e: unknown) => e)) as ErrorWithReasonCode
    expect(err.code).toBe(3)
    const client = await h.connect('box-1')
    await client.publishAsync('cc/box-1/telemetry', reading(1), { qos: 1 })
    expect(h.count('readings', 'box-1')).toBe(1)
  })

  it('disconnects without PUBACK when ingest throws, and keeps running', async () => {
    h = await startBroker({
      ingest: (real) => ({
        accept: (m) => {
          if (m.topic.endsWith('/scan')) throw new Error('decoder exploded')
          return real.accept(m)
        },
      }),
    })
    await h.addDevice('box-1')
    const client = await h.connect('box-1')
    const closed = closeOf(client)
    let acked = false
    void client.publishAsync('cc/box-1/scan', '{}', { qos: 1 }).then(
      () => {
        acked = true
      },
      () => {},
    )
    await closed
    expect(acked).toBe(false)
    const again = await h.connect('box-1')
    await again.publishAsync('cc/box-1/telemetry', reading(1), { qos: 1 })
    expect(h.count('readings', 'box-1')).toBe(1)
  })
})

describe('broker in open mode', () => {
  let h: Harness
  afterEach(() => h.close())

  it('accepts anonymous clients, stores device topics and routes any other topic', async () => {
    h = await startBroker({ mqtt: { openMode: true } })
    await h.addDevice('box-1')
    const listener = await h.connect(null)
    await listener.subscribeAsync('#', { qos: 0 })
    const heard = new Promise<string>((resolve) => listener.once('message', (topic) => resolve(topic)))
    const anon = await mqtt.connectAsync(h.url, { protocolVersion: 4, reconnectPeriod: 0 })
    h.clients.add(anon)
    await anon.publishAsync('cc/box-1/telemetry', reading(1), { qos: 1 })
    expect(h.count('readings', 'box-1')).toBe(1)
    await anon.publishAsync('lab/bench/1', 'hello', { qos: 1 })
    expect(['cc/box-1/telemetry', 'lab/bench/1']).toContain(await heard)
    await until(() => h.count('dead_letters') === 0)
  })

  it('still keeps $SYS to the broker', async () => {
    h = await startBroker({ mqtt: { openMode: true } })
    const anon = await h.connect(null)
    const closed = closeOf(anon)
    anon.publish('$SYS/fake', 'x')
    await closed
  })
})
