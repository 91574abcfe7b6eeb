/**
 * What the ingest benchmark (bench/run.ts) shares with the benchmarks that reuse its load: its options, forking
 * a bench process under tsx with an IPC channel, waiting for a process's next message of a type, and one
 * measured run of a load generator (bench/load.ts, or the paced bench/paced-load.ts) against a fresh server from
 * bench/servers/.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { join } from 'node:path'

export type Message = { type: string; [key: string]: unknown }

/** The ingest benchmark's load and rounds (env, with its defaults). */
export const ingestLoad = {
  devices: Number(process.env.BENCH_DEVICES ?? 1000),
  perDevice: Number(process.env.BENCH_MESSAGES ?? 40),
  window: Number(process.env.BENCH_WINDOW ?? 10),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
}

const here = import.meta.dirname
/** BENCH_SERVER_FLAGS: Node/V8 flags for the gateway processes (bench/servers/) only. */
const serverFlags = (process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean)

export function start(file: string, env: Record<string, string>): ChildProcess {
  return fork(join(here, file), [], {
    execArgv: ['--import', 'tsx', ...(file.startsWith('servers/') ? serverFlags : [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

export function next(child: ChildProcess, type: string, timeoutMs = 180_000): Promise<Message> {
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

/** Sends `{ type }` and resolves with the child's answer of the same type. */
export async function ask(child: ChildProcess, type: string, timeoutMs = 10_000): Promise<Message> {
  const reply = next(child, type, timeoutMs)
  child.send({ type })
  return reply
}

async function stats(server: ChildProcess): Promise<{ count: number; firstAt: number; lastAt: number }> {
  return (await ask(server, 'stats')) as unknown as { count: number; firstAt: number; lastAt: number }
}

export interface IngestRun {
  /** Readings/s by the server's clock, between its first and last stored message. */
  rate: number
  received: number
  sent: number
  /** Readings the load generator did not send when due (paced load only: a device with 50 in flight). */
  skipped: number
  /** How long the load generator took to connect its devices, when it says (bench/load.ts does). */
  connectMs: number
}

/** A load generator in bench/: its file, its env, and what it sent by its `sent` report. */
export interface Load {
  file: string
  env: Record<string, string>
  sent(report: Message): { sent: number; skipped: number }
}

/** bench/load.ts with the ingest load's options at `qos`: every device publishes as fast as its window lets it. */
export function burstLoad(qos: 0 | 1): Load {
  return {
    file: 'load.ts',
    env: {
      BENCH_DEVICES: String(ingestLoad.devices),
      BENCH_MESSAGES: String(ingestLoad.perDevice),
      BENCH_QOS: String(qos),
      BENCH_WINDOW: String(ingestLoad.window),
    },
    sent: (report) => ({ sent: report.messages as number, skipped: 0 }),
  }
}

/**
 * bench/paced-load.ts: `rate` readings/s in total over the ingest load's devices for `seconds`, QoS 1, no probes
 * (every reading in range).
 */
export function pacedLoad(rate: number, seconds: number): Load {
  return {
    file: 'paced-load.ts',
    env: {
      BENCH_DEVICES: String(ingestLoad.devices),
      BENCH_RATE: String(rate),
      BENCH_SECONDS: String(seconds),
      BENCH_PROBE_EVERY: String(1e12),
    },
    sent: (report) => ({ sent: report.sent as number, skipped: report.skipped as number }),
  }
}

/** One run of the ingest load (bench/load.ts at `qos`): see {@link measureLoad}. */
export function measure<T = undefined>(
  serverFile: string,
  qos: 0 | 1,
  serverEnv: Record<string, string> = {},
  after?: (server: ChildProcess, run: IngestRun) => Promise<T>,
): Promise<IngestRun & { after: T | undefined }> {
  return measureLoad(serverFile, burstLoad(qos), serverEnv, after)
}

/**
 * One run of a load: starts `serverFile` (with `serverEnv` on top of the load's options), connects the devices,
 * publishes, waits until the server has processed everything it will (QoS 0 may drop) and reads the rate off the
 * server's own clock. `after` runs while the server is still up, for figures only it holds; the server is stopped
 * whatever happens.
 */
export async function measureLoad<T = undefined>(
  serverFile: string,
  load: Load,
  serverEnv: Record<string, string> = {},
  after?: (server: ChildProcess, run: IngestRun) => Promise<T>,
): Promise<IngestRun & { after: T | undefined }> {
  const server = start(serverFile, { ...load.env, ...serverEnv })
  try {
    const { port } = await next(server, 'ready')
    const generator = start(load.file, { ...load.env, BENCH_PORT: String(port) })
    const connected = await next(generator, 'connected')
    generator.send({ type: 'go' })
    const { sent, skipped } = load.sent(await next(generator, 'sent'))
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
    await Promise.race([
      new Promise((r) => generator.once('exit', r)),
      new Promise((r) => setTimeout(r, 5000)),
    ])
    generator.kill('SIGKILL')
    const connectMs = (connected.connectMs as number | undefined) ?? Number.NaN
    const run = { rate, received: s.count, sent, skipped, connectMs }
    return { ...run, after: after ? await after(server, run) : undefined }
  } finally {
    server.send({ type: 'stop' })
    await Promise.race([new Promise((r) => server.once('exit', r)), new Promise((r) => setTimeout(r, 5000))])
    server.kill('SIGKILL')
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

/** The p-th percentile (nearest rank) of an ascending array; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}
