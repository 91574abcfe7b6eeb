/**
 * A paced load generator (one process): BENCH_DEVICES mqtt.js truck sensors publish QoS 1 readings at a total
 * of BENCH_RATE per second for BENCH_SECONDS, spread evenly over the devices. Every BENCH_PROBE_EVERY-th reading
 * of a device (staggered over the fleet) is a probe (12 °C, above the chilled bound); the others read 4 °C. Device time is the wall clock.
 * Reports the wall time (epoch ms, fractional) at which each probe was handed to the socket.
 */
import type { MqttClient } from 'mqtt'
import { connectFleet } from './fleet.js'

const port = Number(process.env.BENCH_PORT)
const devices = Number(process.env.BENCH_DEVICES ?? 1000)
const rate = Number(process.env.BENCH_RATE ?? 1000)
const seconds = Number(process.env.BENCH_SECONDS ?? 30)
const probeEvery = Number(process.env.BENCH_PROBE_EVERY ?? 200)
const secret = process.env.BENCH_SECRET ?? 'bench-secret'
const seqBase = Number(process.env.BENCH_SEQ_BASE ?? 1_000_000)
/** In-flight QoS 1 messages per device beyond which a due reading is dropped (reported as not sent). */
const maxInflight = 50
const hr = () => performance.timeOrigin + performance.now()

interface Device {
  id: string
  client: MqttClient
  sent: number
  inflight: number
  lastTs: number
  /** Staggers the devices' probes, so they spread over the run and over the fleet. */
  offset: number
}

async function connectAll(): Promise<Device[]> {
  const clients = await connectFleet(port, devices, secret)
  return clients.map((client, i) => ({
    id: `dev-${i}`,
    client,
    sent: 0,
    inflight: 0,
    lastTs: 0,
    offset: i * 7919,
  }))
}

const fleet = await connectAll()
process.send?.({ type: 'connected', devices: fleet.length })
process.on('message', async (msg: { type: string }) => {
  if (msg.type !== 'go') return
  const probes: [string, number][] = []
  let sent = 0
  let acked = 0
  let skipped = 0
  let cursor = 0
  const started = performance.now()
  const publish = (d: Device) => {
    if (d.inflight >= maxInflight) {
      skipped++
      return
    }
    // Device time: the wall clock, strictly increasing per device (a probe's ts names it).
    const ts = Math.max(Date.now(), d.lastTs + 1)
    d.lastTs = ts
    const probe = (d.sent + d.offset) % probeEvery === probeEvery - 1
    const payload = JSON.stringify({ ts, seq: seqBase + d.sent, temp_c: probe ? 12 : 4, rh: 85 })
    d.sent++
    d.inflight++
    sent++
    if (probe) probes.push([`${d.id}:${ts}`, hr()])
    d.client.publish(`cc/${d.id}/telemetry`, payload, { qos: 1 }, () => {
      d.inflight--
      acked++
    })
  }
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000
      const due = Math.min(seconds, elapsed) * rate
      while (sent + skipped < due) {
        publish(fleet[cursor] as Device)
        cursor = (cursor + 1) % fleet.length
      }
      if (elapsed >= seconds) {
        clearInterval(timer)
        resolve()
      }
    }, 5)
  })
  const deadline = performance.now() + 30_000
  while (acked < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  process.send?.({ type: 'sent', sent, acked, skipped, seconds, probes })
  await Promise.all(fleet.map((d) => d.client.endAsync()))
  process.exit(0)
})
