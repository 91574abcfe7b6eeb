import type { ErrorWithReasonCode } from 'mqtt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashSecret } from '../../../src/auth/secrets.js'
import { closeOf, type Harness, reading, SECRET, startBroker, until } from './harness.js'

async function refusal(promise: Promise<unknown>): Promise<number | undefined> {
  const err = (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as ErrorWithReasonCode | null
  expect(err).not.toBeNull()
  return err?.code
}

describe('broker authentication', () => {
  let h: Harness
  const logLines: string[] = []

  beforeEach(async () => {
    logLines.length = 0
    h = await startBroker({ logLines })
    await h.addDevice('box-1')
  })
  afterEach(() => h.close())

  it('accepts a registered device with its secret and counts it as connected', async () => {
    const client = await h.connect('box-1')
    expect(client.connected).toBe(true)
    await until(async () => (await h.metrics.connectedDevices.get()).values[0]?.value === 1)
    client.end()
    await until(async () => (await h.metrics.connectedDevices.get()).values[0]?.value === 0)
  })

  it('refuses a wrong secret with CONNACK 4 and never logs the secret', async () => {
    const wrong = 'not-the-secret-but-something-else'
    expect(await refusal(h.connect('box-1', { password: wrong }))).toBe(4)
    expect(await h.refusals('MQTT_BAD_CREDENTIALS')).toBe(1)
    expect(logLines.some((line) => line.includes('wrong secret'))).toBe(true)
    expect(logLines.join('\n')).not.toContain(wrong)
    expect(logLines.join('\n')).not.toContain(SECRET)
  })

  it('refuses an unknown device with CONNACK 4', async () => {
    expect(await refusal(h.connect('nobody'))).toBe(4)
  })

  it('refuses a client without credentials with CONNACK 4', async () => {
    expect(await refusal(h.connect(null))).toBe(4)
  })

  it('refuses a disabled device with CONNACK 4', async () => {
    h.devices.update('box-1', { enabled: false })
    expect(await refusal(h.connect('box-1'))).toBe(4)
  })

  it('lets any client id through but binds the connection to the device of the user name', async () => {
    await h.addDevice('box-2')
    const client = await h.connect('box-1', { clientId: 'box-2' })
    await client.publishAsync('cc/box-1/telemetry', reading(1), { qos: 1 })
    expect(h.count('readings', 'box-1')).toBe(1)
  })

  it('keeps two devices that choose the same client id from taking over each other', async () => {
    await h.addDevice('box-2')
    const first = await h.connect('box-1', { clientId: 'sensor' })
    const second = await h.connect('box-2', { clientId: 'sensor' })
    await second.publishAsync('cc/box-2/telemetry', reading(1), { qos: 1 })
    await first.publishAsync('cc/box-1/telemetry', reading(1), { qos: 1 })
    expect(first.connected && second.connected).toBe(true)
  })

  it('cuts a connected device at once when disconnect() is called, and refuses it once disabled', async () => {
    const client = await h.connect('box-1')
    const closed = closeOf(client, 1_000)
    h.devices.update('box-1', { enabled: false })
    h.broker.disconnect('box-1')
    await closed
    expect(await refusal(h.connect('box-1'))).toBe(4)
  })

  it('refuses the old secret after a rotation even though it was verified before', async () => {
    const first = await h.connect('box-1')
    first.end()
    const rotated = 'rotated-secret-0123456789abcdef'
    h.devices.update('box-1', { secretHash: await hashSecret(rotated, 10) })
    h.broker.disconnect('box-1')
    expect(await refusal(h.connect('box-1'))).toBe(4)
    const again = await h.connect('box-1', { password: rotated })
    expect(again.connected).toBe(true)
  })

  it('does not publish the will of a device cut off by the gateway', async () => {
    const will = {
      topic: 'cc/box-1/status',
      payload: Buffer.from(JSON.stringify({ ts: Date.now(), online: false })),
      qos: 1 as const,
      retain: false,
    }
    const client = await h.connect('box-1', { will })
    const closed = closeOf(client, 1_000)
    h.broker.disconnect('box-1')
    await closed
    await new Promise((r) => setTimeout(r, 50))
    expect(h.count('device_status', 'box-1')).toBe(0)
  })
})
