/**
 * The gateway as a child process (`node --import tsx gateway/main.ts`), exactly as `npm start` runs it, on its
 * embedded defaults plus what the demo must choose: data directory, admin token, loopback-only listeners and
 * ports. Its log goes to a file; the ports it actually bound are read from its "gateway started" line, then the
 * demo waits for /readyz. The child gets its own process group, so a Ctrl-C in the terminal reaches the demo
 * only and the demo stops the parts in order; should the demo exit any other way, the child is killed with it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { PortRequest } from './ports.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export interface GatewayPorts {
  mqtt: number
  ws: number
  http: number
}

export interface GatewayChildOptions {
  dataDir: string
  adminToken: string
  ports: PortRequest
  logFile: string
  /** Longest wait for the child to listen and answer /readyz. */
  startTimeoutMs?: number
}

export interface GatewayChild {
  pid: number
  ports: GatewayPorts
  /** http://127.0.0.1:<port> */
  url: string
  /** Resolves when the child exits, for whatever reason. */
  exited: Promise<ExitStatus>
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<ExitStatus>
}

export interface ExitStatus {
  code: number | null
  signal: NodeJS.Signals | null
}

export const describeExit = (s: ExitStatus): string =>
  s.signal ? `killed by ${s.signal}` : `exit code ${s.code}`

/** Why the gateway did not come up, with the end of its log. */
export class GatewayStartError extends Error {
  constructor(
    message: string,
    readonly logTail: string[],
  ) {
    super(message)
  }
}

/** Only the demo's own settings: any CC_* of the caller's shell is left out, so the defaults are the defaults. */
function childEnv(o: GatewayChildOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('CC_')) env[key] = value
  return {
    ...env,
    CC_DATA_DIR: o.dataDir,
    CC_ADMIN_TOKEN: o.adminToken,
    CC_MQTT_HOST: '127.0.0.1',
    CC_HTTP_HOST: '127.0.0.1',
    CC_MQTT_PORT: String(o.ports.mqtt),
    CC_HTTP_PORT: String(o.ports.http),
    CC_MQTT_WS_PORT: String(o.ports.ws),
  }
}

function portsOf(line: string): GatewayPorts | null {
  if (!line.includes('gateway started')) return null
  try {
    const entry = JSON.parse(line) as { msg?: string; ports?: Partial<GatewayPorts> }
    const p = entry.ports
    if (entry.msg !== 'gateway started' || !p?.mqtt || !p.http || !p.ws) return null
    return { mqtt: p.mqtt, ws: p.ws, http: p.http }
  } catch {
    return null
  }
}

async function waitReady(url: string, exited: Promise<ExitStatus>, deadline: number): Promise<void> {
  let gone = false
  void exited.then(() => {
    gone = true
  })
  while (!gone) {
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ok) return
    if (Date.now() > deadline) throw new Error('the gateway did not become ready in time')
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error('the gateway exited before it was ready')
}

export async function startGateway(o: GatewayChildOptions): Promise<GatewayChild> {
  const log = createWriteStream(o.logFile, { flags: 'a' })
  log.on('error', () => {}) // a log that cannot be written must not stop the demo
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    cwd: repoRoot,
    env: childEnv(o),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const tail: string[] = []
  let announce: (p: GatewayPorts) => void = () => {}
  const announced = new Promise<GatewayPorts>((r) => {
    announce = r
  })
  // 'close', not 'exit': by then the last lines of its output have been read.
  const exited = new Promise<ExitStatus>((resolveExit) => {
    child.once('close', (code, signal) => resolveExit({ code, signal }))
    child.once('error', (err) => {
      tail.push(String(err))
      resolveExit({ code: null, signal: null })
    })
  })
  const pid = child.pid
  if (pid === undefined) throw new GatewayStartError('could not start the gateway process', tail)
  // Should the demo exit without stopping it (a bug, an uncaught error), the child goes too.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  process.on('exit', killOnExit)
  void exited.then(() => {
    process.off('exit', killOnExit)
    log.end()
  })
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`)
      tail.push(line)
      if (tail.length > 20) tail.shift()
      const ports = portsOf(line)
      if (ports) announce(ports)
    })
  }

  const stop = async (graceMs = 15_000): Promise<ExitStatus> => {
    if (child.exitCode !== null || child.signalCode !== null) return exited
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    try {
      return await exited
    } finally {
      clearTimeout(timer)
    }
  }

  const deadline = Date.now() + (o.startTimeoutMs ?? 60_000)
  try {
    const ports = await new Promise<GatewayPorts>((resolvePorts, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the gateway did not start in time')),
        deadline - Date.now(),
      )
      void announced.then((p) => {
        clearTimeout(timer)
        resolvePorts(p)
      })
      void exited.then((s) => {
        clearTimeout(timer)
        reject(new Error(`the gateway stopped before listening (${describeExit(s)})`))
      })
    })
    const url = `http://127.0.0.1:${ports.http}`
    await waitReady(url, exited, deadline)
    return { pid, ports, url, exited, stop }
  } catch (err) {
    await stop(5_000)
    throw new GatewayStartError((err as Error).message, tail)
  }
}
