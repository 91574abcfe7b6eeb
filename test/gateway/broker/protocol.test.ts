import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, SECRET, startBroker } from './harness.js'
import { connect, header, publish, subscribe, unsubscribe } from './packets.js'

const login = { username: 'box-1', password: SECRET }
const valid = JSON.stringify({ ts: Date.now(), seq: 1, temp_c: 4 })

describe('broker protocol hygiene', () => {
  let h: Harness
  beforeEach(async () => {
    h = await startBroker({ mqtt: { connectTimeoutMs: 300 } })
    await h.addDevice('box-1')
  })
  afterEach(() => h.close())

  async function connected() {
    const raw = await h.raw()
    expect(await raw.handshake(connect({ clientId: 'raw', ...login }))).toBe(0)
    return raw
  }

  it('refuses a zero-length client id without clean session with CONNACK 2 [MQTT-3.1.3-8]', async () => {
    const raw = await h.raw()
    expect(await raw.handshake(connect({ clientId: '', clean: false, ...login }))).toBe(2)
    expect(await raw.closesWithin(1_000)).toBe(true)
    expect(await h.refusals('MQTT_PROTOCOL')).toBe(1)
  })

  it('accepts a zero-length client id with clean session [MQTT-3.1.3-6]', async () => {
    const raw = await h.raw()
    expect(await raw.handshake(connect({ clientId: '', clean: true, ...login }))).toBe(0)
  })

  it('refuses a client id longer than the limit with CONNACK 2', async () => {
    const raw = await h.raw()
    expect(await raw.handshake(connect({ clientId: 'x'.repeat(129), ...login }))).toBe(2)
  })

  it('refuses keepalive 0 and keepalive above the maximum with CONNACK 2', async () => {
    const none = await h.raw()
    expect(await none.handshake(connect({ clientId: 'a', keepalive: 0, ...login }))).toBe(2)
    const long = await h.raw()
    expect(await long.handshake(connect({ clientId: 'b', keepalive: 1201, ...login }))).toBe(2)
    const short = await h.raw()
    expect(await short.handshake(connect({ clientId: 'c', keepalive: 4, ...login }))).toBe(2)
  })

  it('closes a connection that sends no CONNECT within the connect timeout', async () => {
    const raw = await h.raw()
    const opened = Date.now()
    expect(await raw.closesWithin(2_000)).toBe(true)
    expect(Date.now() - opened).toBeGreaterThanOrEqual(250)
  })

  it('closes on an ill-formed UTF-8 topic and stores nothing [MQTT-1.5.3-1]', async () => {
    const raw = await connected()
    const topic = Buffer.concat([Buffer.from('cc/box-1/tele'), Buffer.from([0xff]), Buffer.from('metry')])
    raw.send(publish(topic, valid, { qos: 1, id: 7 }))
    expect(await raw.next()).toBeNull() // no PUBACK: closed
    expect(raw.closedAt).not.toBeNull()
    expect(h.count('readings') + h.count('dead_letters')).toBe(0)
    expect(await h.refusals('MQTT_PROTOCOL')).toBe(1)
  })

  it('closes on an encoded surrogate (U+D800) in a topic', async () => {
    const raw = await connected()
    const topic = Buffer.concat([Buffer.from('cc/box-1/'), Buffer.from([0xed, 0xa0, 0x80])])
    raw.send(publish(topic, valid, { qos: 1 }))
    expect(await raw.next()).toBeNull()
    expect(h.count('dead_letters')).toBe(0)
  })

  it('closes on U+0000 in a topic [MQTT-1.5.3-2]', async () => {
    const raw = await connected()
    raw.send(publish('cc/box-1/tele\u0000metry', valid, { qos: 1 }))
    expect(await raw.next()).toBeNull()
    expect(h.count('dead_letters')).toBe(0)
  })

  it('accepts multi-byte UTF-8 in a topic, split across TCP writes', async () => {
    const raw = await connected()
    const packet = publish('cc/box-1/温度', valid, { qos: 1, id: 9 })
    for (let i = 0; i < packet.length; i++) raw.send(packet.subarray(i, i + 1))
    const ack = await raw.next()
    expect(ack?.type).toBe(4) // PUBACK
    expect(h.count('dead_letters', 'box-1')).toBe(1) // not a contract topic, dead-lettered with its true name
  })

  it('closes on an ill-formed subscription filter without SUBACK', async () => {
    const raw = await connected()
    raw.send(subscribe(1, [Buffer.concat([Buffer.from('cc/box-1/down/'), Buffer.from([0xc3])])]))
    expect(await raw.next()).toBeNull()
  })

  it('closes on an ill-formed unsubscribe filter without UNSUBACK', async () => {
    const raw = await connected()
    raw.send(unsubscribe(1, [Buffer.from([0x63, 0x63, 0x2f, 0xc0, 0x80])]))
    expect(await raw.next()).toBeNull()
  })

  it('closes on an ill-formed will topic without CONNACK', async () => {
    const raw = await h.raw()
    const will = {
      topic: Buffer.concat([Buffer.from('cc/box-1/status'), Buffer.from([0xf5])]),
      payload: '{}',
    }
    expect(await raw.handshake(connect({ clientId: 'w', will, ...login }))).toBeNull()
  })

  it('cuts a 200 MiB PUBLISH as soon as its header arrives, without reading the body', async () => {
    const raw = await connected()
    const sent = Date.now()
    raw.send(header(0x30, 200 * 1024 * 1024))
    expect(await raw.closesWithin(1_000)).toBe(true)
    expect(Date.now() - sent).toBeLessThan(1_000)
    expect(await h.refusals('MQTT_PROTOCOL')).toBe(1)
  })

  it('accepts a packet of exactly the maximum size and refuses one byte more', async () => {
    const max = h.config.mqtt.maxPacketBytes
    const topic = 'cc/box-1/blob'
    // fixed header (1 + 3 length bytes) + topic (2 + n) + packet id (2) + payload
    const payloadBytes = max - 4 - (2 + topic.length) - 2
    const fits = await connected()
    fits.send(publish(topic, 'x'.repeat(payloadBytes), { qos: 1, id: 1 }))
    expect((await fits.next())?.type).toBe(4)
    const over = await connected()
    over.send(publish(topic, 'x'.repeat(payloadBytes + 1), { qos: 1, id: 1 }))
    expect(await over.next()).toBeNull()
  })

  it('closes on a remaining length longer than four bytes', async () => {
    const raw = await connected()
    raw.send(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))
    expect(await raw.closesWithin(1_000)).toBe(true)
  })

  it('keeps serving other clients after a malformed one', async () => {
    const bad = await connected()
    bad.send(publish(Buffer.from([0x63, 0x63, 0xff]), 'x'))
    await bad.closed
    const good = await h.connect('box-1')
    await good.publishAsync('cc/box-1/telemetry', valid, { qos: 1 })
    expect(h.count('readings', 'box-1')).toBe(1)
  })
})
