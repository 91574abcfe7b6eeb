/**
 * The benchmark's load generator (one process): connects N mqtt.js devices, then each publishes M readings of
 * about 200 bytes at the given QoS, keeping up to W messages in flight per device. Reports over IPC.
 */
import type { MqttClient } from 'mqtt'
import { connectFleet } from './fleet.js'

const port = Number(process.env.BENCH_PORT)
const devices = Number(process.env.BENCH_DEVICES ?? 1000)
const perDevice = Number(process.env.BENCH_MESSAGES ?? 40)
const qos = Number(process.env.BENCH_QOS ?? 1) as 0 | 1
const window = Number(process.env.BENCH_WINDOW ?? 10)
const secret = process.env.BENCH_SECRET ?? 'bench-secret'
const seqBase = Number(process.env.BENCH_SEQ_BASE ?? 0)

function payload(seq: number): string {
  // ~200 bytes: a reading with every optional field of the contract, as trucks send them.
  return JSON.stringify({
    ts: Date.now(),
    seq,
    temp_c: Math.round((3 + Math.random() * 2) * 100) / 100,
    rh: Math.round((80 + Math.random() * 10) * 10) / 10,
    door_open: false,
    lat: 31.230416 + Math.random() / 100,
    lon: 121.473701 + Math.random() / 100,
    battery_pct: 87,
    v: 1,
  }).padEnd(190, ' ')
}

async function publishAll(client: MqttClient, id: string): Promise<void> {
  const topic = `cc/${id}/telemetry`
  if (qos === 0) {
    for (let s = 0; s < perDevice; s++) client.publish(topic, payload(seqBase + s), { qos: 0 })
    return
  }
  let next = 0
  let inflight = 0
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (inflight < window && next < perDevice) {
        inflight++
        client.publish(topic, payload(seqBase + next++), { qos: 1 }, (err) => {
          if (err) return reject(err)
          inflight--
          if (next >= perDevice && inflight === 0) resolve()
          else pump()
        })
      }
    }
    pump()
  })
}

const connectStarted = performance.now()
const clients = await connectFleet(port, devices, secret)
process.send?.({ type: 'connected', devices: clients.length, connectMs: performance.now() - connectStarted })
process.on('message', async (msg: { type: string }) => {
  if (msg.type !== 'go') return
  const started = performance.now()
  await Promise.all(clients.map((c, i) => publishAll(c, `dev-${i}`)))
  const sentMs = performance.now() - started
  process.send?.({ type: 'sent', messages: devices * perDevice, sentMs })
  // Close without waiting for a graceful DISCONNECT round: what was sent is already on the wire.
  for (const c of clients) c.end(true)
  setTimeout(() => process.exit(0), 200)
})
