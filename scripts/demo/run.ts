/**
 * The demo's lifecycle, declared once. Start: data directory, gateway (child process), platform sandbox,
 * writeback targets, fleet. Then progress until a reason to stop (Ctrl-C, SIGTERM, --duration, a part failing).
 * Stop, whatever happened before: fleet, gateway, sandbox, in that order, then the summary. Every part that was
 * started is stopped, also when starting another one failed.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { type Sandbox, startSandbox } from '../../simulator/sandbox/index.js'
import { GatewayClient } from './api.js'
import { type DataDir, prepareDataDir, removeDataDir } from './data-dir.js'
import { type Fleet, type FleetOutcome, startFleet } from './fleet.js'
import {
  describeExit,
  type ExitStatus,
  type GatewayChild,
  GatewayStartError,
  startGateway,
} from './gateway-child.js'
import type { DemoOptions } from './options.js'
import { registerPlatforms } from './platforms.js'
import { anyPorts, choosePorts } from './ports.js'
import { createDisplay, type Display, type Status } from './progress.js'
import { type Summary, summaryLines, trailNote, whereToLook } from './report.js'
import { emptySnapshot, type Snapshot, StatsReader } from './stats.js'
import { StopSwitch } from './stop-switch.js'

/** Everything started so far; shutdown stops what is there. */
interface Parts {
  dataDir?: DataDir
  gateway?: GatewayChild
  sandbox?: Sandbox
  api?: GatewayClient
  stats?: StatsReader
  fleet?: Fleet
  writeback: boolean
}

interface Context {
  o: DemoOptions
  token: string
  display: Display
  stop: StopSwitch
  status: Status
  parts: Parts
}

export interface DemoResult {
  code: number
  summary: Summary
}

export async function runDemo(o: DemoOptions, out: NodeJS.WriteStream): Promise<DemoResult> {
  const startedAt = Date.now()
  const display = createDisplay(out)
  const stop = new StopSwitch()
  const uninstall = stop.onSignals((signal) => display.note(`${signal}: already stopping, one moment…`))
  const ctx: Context = {
    o,
    token: randomBytes(24).toString('base64url'),
    display,
    stop,
    status: { elapsedMs: 0, simNow: null, simEnd: null, phase: 'starting', writeback: false },
    parts: { writeback: false },
  }
  let ticker: NodeJS.Timeout | undefined
  try {
    await start(ctx)
    if (!stop.reason) {
      ticker = watch(ctx, startedAt, out.isTTY ? 1000 : 2000)
      await stop.flipped
    }
  } catch (err) {
    stop.flip('a part failed to start', true)
    display.note(`error: ${(err as Error).message}`)
    if (err instanceof GatewayStartError && err.logTail.length > 0)
      display.note(['the gateway said:', ...err.logTail.slice(-8).map((l) => `  ${l}`)].join('\n'))
  } finally {
    clearInterval(ticker)
  }
  const summary = await shutdown(ctx, startedAt)
  uninstall()
  for (const line of summaryLines(summary)) display.note(line)
  return { code: summary.ok ? 0 : 1, summary }
}

async function start(ctx: Context): Promise<void> {
  const { o, parts, display, stop } = ctx
  parts.dataDir = await prepareDataDir(o.data)
  const logFile = join(parts.dataDir.path, 'gateway.log')
  const { request, taken } = await choosePorts(o.ports)
  display.note('starting the gateway…')
  const gatewayOptions = { dataDir: parts.dataDir.path, adminToken: ctx.token, logFile }
  try {
    parts.gateway = await startGateway({ ...gatewayOptions, ports: request })
  } catch (err) {
    // A usual port taken between the check and the bind: once more, on free ports.
    const inUse = err instanceof GatewayStartError && err.logTail.some((l) => l.includes('EADDRINUSE'))
    if (!inUse || o.ports === 'free') throw err
    display.note('a port was taken meanwhile; starting on free ports…')
    taken.push('(any)')
    parts.gateway = await startGateway({ ...gatewayOptions, ports: anyPorts })
  }
  const gateway = parts.gateway
  void gateway.exited.then((s) => stop.flip(`the gateway stopped unexpectedly (${describeExit(s)})`, true))
  if (stop.reason) return

  parts.sandbox = await startSandbox({ port: 0 })
  parts.api = new GatewayClient(gateway.url, ctx.token)
  const setup = await registerPlatforms(parts.api, parts.sandbox)
  parts.writeback = setup.available
  ctx.status.writeback = setup.available
  for (const problem of setup.problems) display.note(`writeback: ${problem}`)
  parts.stats = new StatsReader(parts.api, parts.sandbox)
  const where = whereToLook({
    gateway,
    token: ctx.token,
    sandboxUrl: parts.sandbox.url,
    dataDir: parts.dataDir.path,
    logFile,
    temporary: parts.dataDir.temporary,
    writeback: setup.available,
    takenPorts: taken,
  })
  display.note(where.join('\n'))
  if (stop.reason) return

  display.note(`fleet: ${o.scenarios.join(', ')} at ${o.speed}× (seed ${o.seed})`)
  parts.fleet = startFleet({
    scenarios: o.scenarios,
    seed: o.seed,
    speed: o.speed,
    gateway: gateway.url,
    mqtt: `mqtt://127.0.0.1:${gateway.ports.mqtt}`,
    token: ctx.token,
    sandbox: parts.sandbox.url,
    onLine: fleetLines(ctx),
  })
  ctx.status.phase = 'running'
  void parts.fleet.done.then((outcome) => {
    if (outcome.error) stop.flip(`the fleet failed: ${outcome.error.message}`, true)
    else if (outcome.finished && !stop.reason) {
      ctx.status.phase = 'fleet done'
      ctx.status.simNow = ctx.status.simEnd
      display.note('the fleet has played every scenario; the gateway keeps running until you stop the demo')
    }
  })
  if (o.durationMs !== null)
    stop.after(o.durationMs, `--duration ${Math.round(o.durationMs / 1000)} s reached`)
}

/** The fleet's periodic line feeds the simulated clock; other lines become notes, MQTT errors only a few. */
function fleetLines(ctx: Context): (line: string) => void {
  let mqttErrors = 0
  return (line) => {
    if (ctx.stop.reason) return
    const progress = /^(\d{4}-\d\d-\d\dT\d\d:\d\d)\s+online /.exec(line)
    if (progress) {
      ctx.status.simNow = progress[1] ?? null
      return
    }
    const span = /^simulated \S+ → (\d{4}-\d\d-\d\dT\d\d:\d\d)/.exec(line)
    if (span) ctx.status.simEnd = span[1] ?? null
    if (line.startsWith('mqtt ') && ++mqttErrors > 3) {
      if (mqttErrors === 4) ctx.display.note('fleet: more MQTT errors, not shown')
      return
    }
    ctx.display.note(`fleet: ${line}`)
  }
}

/** Refreshes the display every `periodMs`; a refresh still reading is not overlapped. */
function watch(ctx: Context, startedAt: number, periodMs: number): NodeJS.Timeout {
  const stats = ctx.parts.stats
  let busy = false
  let trailShown = false
  let refusalsShown = 0
  return setInterval(() => {
    if (busy || !stats || ctx.stop.reason) return
    busy = true
    void stats
      .read()
      .then((s) => {
        if (ctx.stop.reason) return
        ctx.status.elapsedMs = Date.now() - startedAt
        if (s.waybill && !trailShown && ctx.parts.gateway) {
          trailShown = true
          ctx.display.note(trailNote(ctx.parts.gateway.url, ctx.token, s.waybill))
        }
        for (const reason of stats.takeRefusals()) {
          if (++refusalsShown <= 3) ctx.display.note(`the sandbox refused a request: ${reason}`)
        }
        ctx.display.show(s, ctx.status)
      })
      .finally(() => {
        busy = false
      })
  }, periodMs)
}

const within = <T>(p: Promise<T>, ms: number, fallback: T): Promise<T> =>
  Promise.race([p, new Promise<T>((r) => setTimeout(() => r(fallback), ms).unref())])

async function shutdown(ctx: Context, startedAt: number): Promise<Summary> {
  const { parts, display, stop, status } = ctx
  status.phase = 'stopping'
  display.note(`stopping (${stop.reason ?? 'done'})…`)
  let fleet: FleetOutcome | null = null
  if (parts.fleet) {
    const stuck: FleetOutcome = {
      finished: false,
      readings: 0,
      scans: 0,
      error: new Error('did not stop in time'),
    }
    fleet = await within(parts.fleet.stop(), 15_000, stuck)
  }
  // Totals while the gateway still answers.
  let last: Snapshot = emptySnapshot(Date.now())
  let gatewayDelivered: Record<string, number> = {}
  let alerts: { total: number; byKind: Record<string, number> } | null = null
  if (parts.stats && parts.api) {
    last = await parts.stats.read()
    status.elapsedMs = Date.now() - startedAt
    display.show(last, status)
    gatewayDelivered = await parts.stats.gatewayDelivered().catch(() => ({}))
    alerts = await parts.api.countAlerts().catch(() => null)
  }
  display.close()
  let gatewayExit: ExitStatus | null = null
  if (parts.gateway) {
    display.note(`stopping the gateway (pid ${parts.gateway.pid})…`)
    gatewayExit = await parts.gateway.stop()
  }
  const sandboxTotals = parts.stats?.sandboxTotals() ?? { delivered: last.delivered, refused: last.refused }
  await parts.sandbox?.stop().catch(() => {})
  if (parts.dataDir) await removeDataDir(parts.dataDir).catch(() => {})
  const ok = !stop.failed && gatewayExit?.code === 0 && !fleet?.error
  return {
    elapsedMs: Date.now() - startedAt,
    readings: last.readings,
    scans: last.scans,
    deadLetters: last.deadLetters,
    alertsRaised: alerts?.total ?? null,
    alertsByKind: alerts?.byKind ?? {},
    alertsOpen: last.alertsOpen?.total ?? null,
    writeback: parts.writeback,
    delivered: sandboxTotals.delivered,
    refused: sandboxTotals.refused,
    gatewayDelivered,
    gatewayPid: parts.gateway?.pid ?? null,
    gatewayExit,
    fleet: { finished: fleet?.finished ?? false, error: fleet?.error?.message ?? null },
    dataDir: parts.dataDir && !parts.dataDir.temporary ? parts.dataDir.path : null,
    ok,
  }
}
