/**
 * `npm run bench` — the ingest benchmark. In one run and one process tree it measures bare aedes (in-memory,
 * default hooks) and this gateway (authenticated, decoded, validated, group-committed to SQLite with
 * synchronous=FULL) at QoS 0 and QoS 1 with the same load generator, alternating targets round by round so
 * machine noise hits both alike, and prints readings/s for each and the gateway/aedes ratio (medians).
 *
 * Options (env): BENCH_DEVICES (1000), BENCH_MESSAGES per device per run (40), BENCH_WINDOW in-flight per
 * device at QoS 1 (10), BENCH_ROUNDS (3), BENCH_OUT (write the results as JSON to this file).
 */
import { type ChildProcess, fork } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

type Target = 'aedes' | 'gateway'
type Message = { type: string; [key: string]: unknown }

const devices = Number(process.env.BENCH_DEVICES ?? 1000)
const perDevice = Number(process.env.BENCH_MESSAGES ?? 40)
const window = Number(process.env.BENCH_WINDOW ?? 10)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const here = import.meta.dirname

function start(file: string, env: Record<string, string>): ChildProcess {
  return fork(join(here, file), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

function next(child: ChildProcess, type: string, timeoutMs = 180_000): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${type} from ${child.spawnfile} in ${timeoutMs} ms`)),
      timeoutMs,
    )
    const onMessage = (msg: Message) => {
      if (msg.type !== type) return
      clearTimeout(timer)
      child.off('message', onMessage)
      resolve(msg)
    }
    child.on('message', onMessage)
  })
}

async function stats(server: ChildProcess): Promise<{ count: number; firstAt: number; lastAt: number }> {
  const reply = next(server, 'stats', 10_000)
  server.send({ type: 'stats' })
  return (await reply) as unknown as { count: number; firstAt: number; lastAt: number }
}

async function measure(
  target: Target,
  qos: 0 | 1,
): Promise<{ rate: number; received: number; sent: number; connectMs: number }> {
  const env = {
    BENCH_DEVICES: String(devices),
    BENCH_MESSAGES: String(perDevice),
    BENCH_QOS: String(qos),
    BENCH_WINDOW: String(window),
  }
  const server = start(target === 'aedes' ? 'servers/bare-aedes.ts' : 'servers/gateway.ts', env)
  try {
    const { port } = await next(server, 'ready')
    const load = start('load.ts', { ...env, BENCH_PORT: String(port) })
    const { connectMs } = (await next(load, 'connected')) as unknown as { connectMs: number }
    load.send({ type: 'go' })
    const sentMsg = await next(load, 'sent')
    const sent = sentMsg.messages as number
    // Wait until the server has processed everything it will (QoS 0 may drop), then read its own clock.
    let last = -1
    let still = 0
    for (;;) {
      const s = await stats(server)
      if (s.count >= sent) break
      still = s.count === last ? still + 1 : 0
      last = s.count
      if (still >= 30) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const s = await stats(server)
    const rate = s.count > 1 ? ((s.count - 1) / (s.lastAt - s.firstAt)) * 1000 : 0
    await Promise.race([new Promise((r) => load.once('exit', r)), new Promise((r) => setTimeout(r, 5000))])
    load.kill('SIGKILL')
    return { rate, received: s.count, sent, connectMs: connectMs as number }
  } finally {
    server.send({ type: 'stop' })
    await Promise.race([new Promise((r) => server.once('exit', r)), new Promise((r) => setTimeout(r, 5000))])
    server.kill('SIGKILL')
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

const results: Record<string, { rate: number; received: number; sent: number; connectMs: number }[]> = {}
for (let round = 1; round <= rounds; round++) {
  for (const qos of [0, 1] as const) {
    for (const target of (round % 2 ? ['aedes', 'gateway'] : ['gateway', 'aedes']) as Target[]) {
      const key = `${target} qos${qos}`
      const r = await measure(target, qos)
      results[key] = [...(results[key] ?? []), r]
      console.log(
        `round ${round} ${key.padEnd(12)} ${Math.round(r.rate).toString().padStart(7)} readings/s  (${r.received}/${r.sent} received, connect ${Math.round(r.connectMs)} ms)`,
      )
    }
  }
}

const summary = Object.fromEntries(
  Object.entries(results).map(([k, rs]) => [k, Math.round(median(rs.map((r) => r.rate)))]),
)
const ratio = (qos: 0 | 1) => (summary[`gateway qos${qos}`] ?? 0) / (summary[`aedes qos${qos}`] || 1)
console.log(
  `\n${devices} devices × ${perDevice} readings of ~200 bytes per run, QoS 1 window ${window}, ${rounds} rounds (medians):`,
)
for (const [k, v] of Object.entries(summary)) console.log(`  ${k.padEnd(12)} ${v} readings/s`)
console.log(
  `  ratio gateway/aedes  QoS 0: ${(ratio(0) * 100).toFixed(1)} %   QoS 1: ${(ratio(1) * 100).toFixed(1)} %`,
)
if (process.env.BENCH_OUT) {
  writeFileSync(
    process.env.BENCH_OUT,
    JSON.stringify(
      { devices, perDevice, window, rounds, results, summary, ratio: { qos0: ratio(0), qos1: ratio(1) } },
      null,
      2,
    ),
  )
}
