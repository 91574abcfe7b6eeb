/**
 * `run`: plans the named scenarios, registers the devices, plays the world against the gateway (or in memory
 * with `dryRun`), and writes the ground truth. Progress goes to `log` (stderr in the CLI); the truth is returned
 * and, with `out`, written as JSON.
 */
import { writeFile } from 'node:fs/promises'
import { GatewayApi, setPlatformFault } from '../api-client.js'
import type { GroundTruth } from '../ground-truth.js'
import { durationOf, planScenarios } from '../scenarios/index.js'
import { summerDay } from '../thermal/ambient.js'
import { defaultStart, VirtualClock } from './clock.js'
import type { LinkFactory } from './link.js'
import { MemoryBroker } from './memory-link.js'
import { mqttLinks } from './mqtt-link.js'
import type { OrderSpec, WorldPlan } from './plan.js'
import { registerAll } from './registry.js'
import { computeTruth } from './truth/build.js'
import { type Progress, runWorld, type WorldDeps } from './world.js'

/** Options of a run (the CLI's flags). */
export interface RunOptions {
  scenarios: string[]
  seed: number
  /** Simulated ms per real ms, or 'max'. */
  speed: number | 'max'
  gateway?: string
  mqtt?: string
  token?: string
  sandbox?: string
  /** Start of simulated time; default: the latest 06:00 local that keeps the whole run in the past. */
  start?: number
  durationMs?: number
  runId?: string
  out?: string
  /** No gateway: devices publish into memory (to inspect a scenario and its truth). */
  dryRun?: boolean
  /** Receives the in-memory broker of a dry run (tests read the published messages from it). */
  memory?: MemoryBroker
  /** Stops the run early, at the next simulated tick (devices flush and disconnect). */
  signal?: AbortSignal
  log?: (line: string) => void
}

/** What a run returns: the plan it played and the truth it wrote. */
export interface RunResult {
  plan: WorldPlan
  truth: GroundTruth
}

export async function runScenarios(o: RunOptions): Promise<RunResult> {
  const log = o.log ?? (() => {})
  const durationMs = o.durationMs ?? durationOf(o.scenarios)
  const start = o.start ?? defaultStart(durationMs, summerDay.utcOffsetH)
  const runId = o.runId ?? Date.now().toString(36).slice(-5)
  const plan = planScenarios(o.scenarios, { seed: o.seed, runId, start, durationMs })
  log(
    `run ${runId}: ${o.scenarios.join(', ')}; ${plan.devices.length} devices, ${plan.waybills.length} waybills`,
  )
  log(
    `simulated ${new Date(plan.start).toISOString()} → ${new Date(plan.end).toISOString()} at speed ${o.speed}`,
  )

  let links: LinkFactory
  let secrets: Map<string, string>
  const deps: Partial<WorldDeps> = {}
  if (o.dryRun) {
    const memory = o.memory ?? new MemoryBroker()
    links = memory.links()
    secrets = new Map(plan.devices.map((d) => [d.id, 'dry-run']))
  } else {
    if (!o.gateway || !o.mqtt || !o.token)
      throw new Error('run needs --gateway, --mqtt and --token (or --dry-run)')
    const api = new GatewayApi(o.gateway, o.token)
    const registrations = plan.devices.map((d) => ({
      id: d.id,
      kind: d.kind,
      label: d.label,
      ...(d.container ? { container: d.container } : {}),
    }))
    secrets = await registerAll(api, registrations)
    log(`registered ${secrets.size} devices`)
    links = mqttLinks(o.mqtt, { onError: (id, e) => log(`mqtt ${id}: ${e.message}`) })
    let orderFailures = 0
    deps.createOrder = async (order: OrderSpec) => {
      try {
        return await api.createOrder(order)
      } catch (e) {
        if (orderFailures++ === 0)
          log(`orders: ${(e as Error).message} (scans will use the simulator's waybill numbers)`)
        return { no: order.waybill, orderId: null }
      }
    }
    const sandbox = o.sandbox
    deps.platformFault = async (fault) => {
      if (!sandbox) return log('platform fault skipped: no --sandbox')
      await setPlatformFault(sandbox, fault).catch((e: Error) => log(`sandbox: ${e.message}`))
      log(fault ? `platform fault on: ${JSON.stringify(fault)}` : 'platform fault cleared')
    }
  }

  let lastPrint = 0
  const onProgress = (p: Progress) => {
    const now = Date.now()
    if (now - lastPrint < 2000) return
    lastPrint = now
    log(
      `${new Date(p.simNow).toISOString().slice(0, 16)}  online ${p.online}/${p.devices}  readings ${p.readings}  scans ${p.scans}  buffered ${p.buffered}`,
    )
  }
  const run = await runWorld(plan, {
    ...deps,
    links,
    secrets,
    clock: new VirtualClock(plan.start, { speed: o.speed }),
    onProgress,
    signal: o.signal,
  })
  const truth = computeTruth(plan, run)
  const t = truth.totals
  log(
    `done: ${t.messages} messages, ${t.readings} readings, ${t.scans} scans, ${t.resends} re-sends, ${t.lostReadings} lost`,
  )
  if (o.out) {
    await writeFile(o.out, `${JSON.stringify(truth, null, 2)}\n`)
    log(`ground truth written to ${o.out}`)
  }
  return { plan, truth }
}
