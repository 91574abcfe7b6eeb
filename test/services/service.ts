/**
 * What every test service shares: is a Docker engine reachable (then testcontainers runs the official image),
 * otherwise where is the local binary; free loopback ports; a supervised child process with a temporary data
 * directory; bounded readiness waits. A service that cannot be started fails the test — never a silent skip.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

/** A running server as a test sees it. `halt`/`resume` keep port and data, for outage tests. */
export interface ServiceHandle {
  host: string
  port: number
  /** Stops the server, keeping its port and data. */
  halt(): Promise<void>
  /** Starts it again on the same port with the same data. */
  resume(): Promise<void>
  /** Stops it and removes its data. */
  stop(): Promise<void>
}

export const LOOPBACK = '127.0.0.1'

let docker: Promise<boolean> | null = null

/**
 * True when testcontainers finds a working container runtime within a few seconds. `CC_TEST_SERVICES=local`
 * forces the local binaries, `=docker` insists on containers.
 */
export function dockerAvailable(): Promise<boolean> {
  const mode = process.env.CC_TEST_SERVICES
  if (mode === 'local') return Promise.resolve(false)
  docker ??= (async () => {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers')
      const probe = getContainerRuntimeClient().then(() => true)
      const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000).unref())
      return await Promise.race([probe, timeout])
    } catch {
      return false
    }
  })()
  return docker.then((ok) => {
    if (!ok && mode === 'docker')
      throw new Error('CC_TEST_SERVICES=docker, but no container runtime is reachable')
    return ok
  })
}

/** The service is unavailable both ways: fail loudly, with what to install. */
export function unavailable(service: string, installHint: string): Error {
  const where =
    process.env.CI === 'true' ? 'CI must provide it' : 'integration tests run against real servers'
  return new Error(
    `${service} is needed by this test and ${where}: no Docker engine is reachable and no local binary was found. ` +
      `Install it (${installHint}) or start a Docker engine.`,
  )
}

/** The first executable named `name` on PATH or in the system directories (sbin is often not on PATH). */
export function findBinary(name: string): string | null {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/sbin',
    '/usr/bin',
    '/usr/local/sbin',
    '/usr/local/bin',
  ]
  for (const dir of dirs) {
    if (!dir) continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  return null
}

/** A loopback port free right now (the OS picks it; the caller binds it soon after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, LOOPBACK, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cc-${prefix}-`))
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** Polls `check` until it returns true; throws after `timeoutMs` with the last error. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last: unknown = null
  while (Date.now() < deadline) {
    try {
      if (await check()) return
    } catch (err) {
      last = err
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
  )
}

export function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port })
    socket.setTimeout(1_000)
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1_000) })
  await res.arrayBuffer()
  return res.ok
}

/** A supervised local server process: started, checked for readiness, stopped with SIGTERM (SIGKILL if stuck). */
export class LocalProcess {
  private child: ChildProcess | null = null
  private output = ''

  constructor(
    private readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly ready: () => Promise<boolean>,
  ) {}

  async start(timeoutMs = 20_000): Promise<void> {
    this.output = ''
    const child = spawn(this.command, this.args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-4000)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    let exited = false
    child.once('exit', () => {
      exited = true
    })
    try {
      await waitFor(
        `${this.name} to accept connections`,
        async () => {
          if (exited) throw new Error(`${this.name} exited at start: ${this.output.trim()}`)
          return this.ready()
        },
        timeoutMs,
      )
    } catch (err) {
      await this.stop()
      throw err
    }
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    await exited
    clearTimeout(timer)
  }
}

/**
 * Starts a local server on a free loopback port. The port may be taken between the probe and the bind, so it
 * tries three ports; after the last failure it removes the service's data directory and throws.
 */
export async function startOnFreePort(
  make: (port: number) => LocalProcess,
  dataDir: string,
): Promise<{ port: number; proc: LocalProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const candidate = make(port)
    try {
      await candidate.start()
      return { port, proc: candidate }
    } catch (err) {
      if (attempt >= 3) {
        removeDir(dataDir)
        throw err
      }
    }
  }
}
