import type { ErrorWithReasonCode } from 'mqtt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  authorizeDelivery,
  authorizeFilter,
  authorizeTopicPublish,
  deviceOfTopic,
} from '../../../gateway/broker/acl.js'
import { closeOf, type Harness, reading, SECRET, startBroker } from './harness.js'
import { connect, PINGREQ, subscribe } from './packets.js'

const box = { deviceId: 'box-1', kind: 'box_sensor' as const }

describe('topic rules', () => {
  it('let a device publish under its own prefix only, and never into its downlink', () => {
    expect(authorizeTopicPublish(box, 'cc/box-1/telemetry', false)).toEqual({
      allowed: true,
      deviceId: 'box-1',
    })
    expect(authorizeTopicPublish(box, 'cc/box-1/anything/else', false).allowed).toBe(true)
    expect(authorizeTopicPublish(box, 'cc/box-2/telemetry', false).allowed).toBe(false)
    expect(authorizeTopicPublish(box, 'cc/box-1', false).allowed).toBe(false)
    expect(authorizeTopicPublish(box, 'cc/box-1/down/config', false).allowed).toBe(false)
    expect(authorizeTopicPublish(box, '$SYS/x', true).allowed).toBe(false)
    expect(authorizeTopicPublish(box, 'cc/box-1/+', false).allowed).toBe(false)
  })

  it('refuse anonymous publishers unless open mode, which takes the device from the topic', () => {
    expect(authorizeTopicPublish(null, 'cc/box-1/telemetry', false).allowed).toBe(false)
    expect(authorizeTopicPublish(null, 'cc/box-1/telemetry', true)).toEqual({
      allowed: true,
      deviceId: 'box-1',
    })
    expect(authorizeTopicPublish(null, 'lab/bench', true)).toEqual({ allowed: true, deviceId: null })
    expect(deviceOfTopic('cc/box-1/')).toBeNull()
    expect(deviceOfTopic('cc/-bad/telemetry')).toBeNull()
  })

  it('let a device subscribe to and receive its own downlink only', () => {
    expect(authorizeFilter(box, 'cc/box-1/down/#', false)).toBe(true)
    expect(authorizeFilter(box, 'cc/box-1/down/+', false)).toBe(true)
    expect(authorizeFilter(box, 'cc/box-1/#', false)).toBe(false)
    expect(authorizeFilter(box, 'cc/+/down/#', false)).toBe(false)
    expect(authorizeFilter(box, '#', false)).toBe(false)
    expect(authorizeDelivery(box, 'cc/box-1/down/config', false)).toBe(true)
    expect(authorizeDelivery(box, 'cc/box-2/down/config', false)).toBe(false)
    expect(authorizeFilter(null, '#', true)).toBe(true)
  })
})

describe('broker ACL', () => {
  let h: Harness
  beforeEach(async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    await h.addDevice('box-2')
  })
  afterEach(() => h.close())

  it('disconnects a device that publishes under another device and stores nothing', async () => {
    const client = await h.connect('box-1')
    const closed = closeOf(client)
    client.publish('cc/box-2/telemetry', reading(1), { qos: 1 })
    await closed
    expect(h.count('readings')).toBe(0)
    expect(h.count('dead_letters')).toBe(0)
    expect(await h.refusals('MQTT_TOPIC_DENIED')).toBe(1)
  })

  it('disconnects a device that publishes a retained message elsewhere', async () => {
    const client = await h.connect('box-1')
    const closed = closeOf(client)
    client.publish('elsewhere/config', '{}', { qos: 0, retain: true })
    await closed
    expect(h.count('dead_letters')).toBe(0)
  })

  it('refuses a publish to $SYS', async () => {
    const client = await h.connect('box-1')
    const closed = closeOf(client)
    client.publish('$SYS/broker/fake', 'x', { qos: 0 })
    await closed
  })

  it('refuses a publish into the device’s own downlink', async () => {
    const client = await h.connect('box-1')
    const closed = closeOf(client)
    client.publish('cc/box-1/down/config', '{}', { qos: 1, retain: true })
    await closed
  })

  it('grants 0x80 to a subscription outside the own downlink and keeps the connection', async () => {
    const raw = await h.raw()
    expect(await raw.handshake(connect({ clientId: 'sub', username: 'box-1', password: SECRET }))).toBe(0)
    raw.send(subscribe(5, ['cc/box-2/down/#', 'cc/box-1/down/#', '#', '$SYS/#'], 1))
    const suback = await raw.next()
    expect(suback?.type).toBe(9)
    expect([...(suback?.body ?? [])]).toEqual([0, 5, 0x80, 1, 0x80, 0x80])
    expect(await h.refusals('MQTT_TOPIC_DENIED')).toBe(3)
    raw.send(PINGREQ)
    expect((await raw.next())?.type).toBe(13) // PINGRESP: still connected
  })

  it('refuses with CONNACK 5 a will outside the device prefix', async () => {
    const will = { topic: 'cc/box-2/status', payload: Buffer.from('{}'), qos: 0 as const, retain: false }
    const err = (await h.connect('box-1', { will }).catch((e: unknown) => e)) as ErrorWithReasonCode
    expect(err.code).toBe(5)
    expect(await h.refusals('MQTT_TOPIC_DENIED')).toBe(1)
  })

  it('refuses with CONNACK 5 a will on $SYS', async () => {
    const will = { topic: '$SYS/x', payload: Buffer.from('{}'), qos: 0 as const, retain: true }
    const err = (await h.connect('box-1', { will }).catch((e: unknown) => e)) as ErrorWithReasonCode
    expect(err.code).toBe(5)
  })

  it('disconnects a device publishing on a topic with more levels than allowed', async () => {
    const client = await h.connect('box-1')
    const closed = closeOf(client)
    client.publish('cc/box-1/a/b/c/d/e/f/g', '{}', { qos: 1 })
    await closed
    expect(h.count('dead_letters')).toBe(0)
  })
})
