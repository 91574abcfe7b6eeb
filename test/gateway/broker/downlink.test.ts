import type { MqttClient } from 'mqtt'
import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, SECRET, startBroker, until } from './harness.js'
import { connect, subscribe } from './packets.js'

function nextMessage(
  client: MqttClient,
  timeoutMs = 2_000,
): Promise<{ topic: string; payload: Buffer; retain: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message')), timeoutMs)
    client.once('message', (topic, payload, packet) => {
      clearTimeout(timer)
      resolve({ topic, payload, retain: packet.retain })
    })
  })
}

describe('broker downlink', () => {
  let h: Harness
  afterEach(() => h.close())

  it('delivers publishDown to the subscribed device and counts it', async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    const client = await h.connect('box-1')
    await client.subscribeAsync('cc/box-1/down/#', { qos: 1 })
    const received = nextMessage(client)
    await h.broker.publishDown('box-1', 'config', { interval_s: 60, high_c: 8 }, false)
    const message = await received
    expect(message.topic).toBe('cc/box-1/down/config')
    expect(JSON.parse(message.payload.toString())).toEqual({ interval_s: 60, high_c: 8 })
    const { values } = await h.metrics.messagesOut.get()
    expect(values).toEqual([expect.objectContaining({ labels: { kind: 'config' }, value: 1 })])
  })

  it('keeps a retained downlink for a device that subscribes later, and clears it with null', async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    await h.broker.publishDown('box-1', 'config', { interval_s: 30 }, true)
    const late = await h.connect('box-1')
    const received = nextMessage(late)
    await late.subscribeAsync('cc/box-1/down/#', { qos: 1 })
    const message = await received
    expect(message.retain).toBe(true)
    expect(JSON.parse(message.payload.toString())).toEqual({ interval_s: 30 })

    await h.broker.publishDown('box-1', 'config', null, true)
    const later = await h.connect('box-1', { clientId: 'later' })
    const nothing = nextMessage(later, 200)
    await later.subscribeAsync('cc/box-1/down/#', { qos: 1 })
    await expect(nothing).rejects.toThrow('no message')
  })

  it('refuses downlink names that are not plain topic levels', async () => {
    h = await startBroker()
    for (const name of ['', '+', 'a/#', 'a//b', 'x\u0000']) {
      await expect(h.broker.publishDown('box-1', name, {}, false)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      })
    }
    await expect(h.broker.publishDown('a/b', 'config', {}, false)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
  })

  it('refuses publishDown once stopped', async () => {
    h = await startBroker()
    await h.broker.stop()
    await expect(h.broker.publishDown('box-1', 'config', {}, false)).rejects.toMatchObject({
      code: 'SHUTTING_DOWN',
    })
  })

  it('cuts a subscriber that stops reading after the drain timeout while others keep receiving', async () => {
    h = await startBroker({ mqtt: { drainTimeoutMs: 300 } })
    await h.addDevice('frozen')
    await h.addDevice('box-2')
    const frozen = await h.raw()
    expect(await frozen.handshake(connect({ clientId: 'f', username: 'frozen', password: SECRET }))).toBe(0)
    frozen.send(subscribe(1, ['cc/frozen/down/#'], 0))
    expect((await frozen.next())?.type).toBe(9)
    frozen.socket.pause() // reads nothing more: the kernel buffers fill, then the broker's
    const other = await h.connect('box-2')
    await other.subscribeAsync('cc/box-2/down/#', { qos: 1 })

    const blob = Buffer.alloc(1024 * 1024, 0x61)
    const stuck = Array.from({ length: 16 }, () => h.broker.publishDown('frozen', 'blob', blob, false))
    const received = nextMessage(other)
    await h.broker.publishDown('box-2', 'config', { ok: true }, false)
    expect((await received).topic).toBe('cc/box-2/down/config')

    // The frozen side reads nothing, so it would not even see the close: watch the broker's own count.
    const connected = async () => (await h.metrics.connectedDevices.get()).values[0]?.value
    expect(await connected()).toBe(2)
    await until(async () => (await connected()) === 1, 3_000)
    await Promise.allSettled(stuck)
    const after = nextMessage(other)
    await h.broker.publishDown('box-2', 'config', { ok: 2 }, false)
    expect((await after).topic).toBe('cc/box-2/down/config')
  })
})
