import { afterEach, describe, expect, it } from 'vitest'
import { loadCommand } from '../../../simulator/fleet/load/load-command.js'
import { type FakeApi, startBroker, startFakeApi } from './fakes.js'

describe('load mode', () => {
  let api: FakeApi | null = null
  let broker: Awaited<ReturnType<typeof startBroker>> | null = null
  afterEach(async () => {
    await broker?.close()
    await api?.close()
  })

  it('registers its devices, publishes at the asked rate and reports acks with latency percentiles', async () => {
    api = await startFakeApi('tok')
    broker = await startBroker(api.secrets)
    const report = await loadCommand({
      devices: 5,
      rate: 400,
      durationMs: 1000,
      qos: 1,
      batch: 2,
      mqtt: broker.url,
      gateway: api.url,
      token: 'tok',
      prefix: 'ld-',
      drainMs: 5000,
    })
    expect(report).toMatchObject({ devices: 5, connected: 5, failed: 0, unacked: 0, qos: 1, batch: 2 })
    expect(report.sent).toBeGreaterThan(300)
    expect(report.sent).toBeLessThanOrEqual(400)
    expect(report.acked).toBe(report.sent)
    expect(report.readingsSent).toBe(2 * report.sent)
    expect(report.ackLatencyMs.p50).toBeGreaterThan(0)
    expect(report.ackLatencyMs.p99).toBeGreaterThanOrEqual(report.ackLatencyMs.p50 ?? 0)
    const telemetry = broker.received.filter((m) => m.topic.endsWith('/telemetry'))
    expect(telemetry).toHaveLength(report.sent)
    expect(JSON.parse(telemetry[0]?.payload ?? '{}').readings).toHaveLength(2)
    expect(new Set(telemetry.map((m) => m.clientId)).size).toBe(5)
  })
})
