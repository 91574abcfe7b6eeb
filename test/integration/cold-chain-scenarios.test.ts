/**
 * The simulator's scenarios against the real gateway in-process, scored against their ground truth with the
 * simulator's own scoring (it reads the alerts over HTTP). The gateway's clock follows simulated time (the
 * fleet plays the past at full speed), and its monitoring timers run every 30 s / 60 s of simulated time, as
 * they would every 30 s / 60 s of wall time in production.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { targetFor } from '../../scripts/demo/platforms.js'
import { GatewayApi } from '../../simulator/api-client.js'
import { VirtualClock } from '../../simulator/fleet/clock.js'
import { mqttLinks } from '../../simulator/fleet/mqtt-link.js'
import type { OrderSpec } from '../../simulator/fleet/plan.js'
import { registerAll } from '../../simulator/fleet/registry.js'
import { readFindings } from '../../simulator/fleet/scoring/findings.js'
import { type ScoreReport, score } from '../../simulator/fleet/scoring/score.js'
import { formatReport } from '../../simulator/fleet/scoring/score-command.js'
import { computeTruth } from '../../simulator/fleet/truth/build.js'
import { runWorld } from '../../simulator/fleet/world.js'
import type { GroundTruth } from '../../simulator/ground-truth.js'
import { platformNames, type Sandbox, startSandbox } from '../../simulator/sandbox/index.js'
import { planScenarios } from '../../simulator/scenarios/index.js'
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from '../support/gateway.js'

const START = Date.parse('2026-07-01T06:00:00+08:00')

/** Simulated time, shared by the fleet and the gateway; each tick runs the timers that came due. */
class SimulatedTime extends VirtualClock {
  now = START
  private ticked = START
  private swept = START
  gateway: TestGateway | null = null

  override async until(simMs: number): Promise<void> {
    this.now = simMs
    const timers = this.gateway?.gateway.monitoring
    if (timers && simMs - this.ticked >= 30_000) {
      this.ticked = simMs
      timers.tickGaps()
    }
    if (timers && simMs - this.swept >= 60_000) {
      this.swept = simMs
      timers.sweepStalls()
    }
    await super.until(simMs)
  }
}

let gw: TestGateway | null = null
let sandbox: Sandbox | null = null
afterEach(async () => {
  await gw?.stop()
  await sandbox?.stop()
  gw = null
  sandbox = null
})

interface Played {
  truth: GroundTruth
  report: ScoreReport
  gw: TestGateway
  sandbox: Sandbox | null
}

/**
 * Plays the scenarios at full speed against a fresh gateway and scores them. With `platforms`, a sandbox on the
 * same simulated clock plays every platform, registered as the gateway's writeback targets, and the scenarios'
 * platform faults are switched on and off in it.
 */
async function play(scenarios: string[], seed: number, opts: { platforms?: boolean } = {}): Promise<Played> {
  const time = new SimulatedTime(START, { speed: 'max' })
  gw = await startTestGateway({}, { clock: () => time.now })
  time.gateway = gw
  const base = `http://127.0.0.1:${gw.ports.http}`
  const api = new GatewayApi(base, ADMIN_TOKEN)
  const platforms = opts.platforms ? await startSandbox({ port: 0, clock: () => time.now }) : null
  sandbox = platforms
  if (platforms) {
    for (const name of platformNames) {
      const res = await gw.api('POST', '/api/v1/platforms', targetFor(name, platforms))
      expect(res.status, JSON.stringify(res.body)).toBe(201)
    }
  }
  const plan = planScenarios(scenarios, { seed, runId: `t${seed}`, start: START })
  const secrets = await registerAll(
    api,
    plan.devices.map((d) => ({
      id: d.id,
      kind: d.kind,
      label: d.label,
      ...(d.container ? { container: d.container } : {}),
    })),
  )
  const run = await runWorld(plan, {
    links: mqttLinks(`mqtt://127.0.0.1:${gw.ports.mqtt}`),
    secrets,
    clock: time,
    createOrder: (o: OrderSpec) => api.createOrder(o),
    wallNow: () => time.now,
    platformFault: async (fault) => {
      if (!platforms) return
      if (fault === null) platforms.clearFaults()
      else for (const name of platformNames) platforms.setFault(name, { outage: {} })
    },
  })
  const truth = computeTruth(plan, run)
  const { findings, unreadable } = await readFindings(api)
  expect(unreadable).toBe(0)
  const report = score(truth, findings)
  if (process.env.SCENARIO_REPORT) console.log(`${scenarios.join(', ')}\n${formatReport(report)}`)
  return { truth, report, gw, sandbox: platforms }
}

function expectClean(report: ScoreReport): void {
  // The table says what was missed or raised falsely, should this fail.
  expect(formatReport(report)).toMatch(/result: every expected finding detected, no false alarm/)
}

describe('the simulator scenarios against the gateway, scored against their ground truth', () => {
  it('normal day: no excursion, gap or stall, and nothing raised', { timeout: 240_000 }, async () => {
    const { truth, report } = await play(['normal-day'], 1)
    expect(truth.waybills.length).toBeGreaterThan(10)
    expectClean(report)
  })

  it('platform outage: nothing raised for the parcels, and every node delivered once the platforms are back', {
    timeout: 240_000,
  }, async () => {
    const played = await play(['platform-outage'], 17, { platforms: true })
    expect(played.truth.platformOutages).toHaveLength(1)
    expectClean(played.report)
    const platforms = played.sandbox as Sandbox
    // The outage was seen: requests were answered by the fault, none was refused for its signature.
    expect(platforms.requests().filter((r) => r.fault === 'outage').length).toBeGreaterThan(0)
    expect(platforms.requests({ outcome: 'rejected' })).toEqual([])
    // The relay catches up by itself: every outbox row ends delivered, none dead.
    const states = async () => {
      const rows = await played.gw.api<{ items: { state: string; target: string; waybill: string }[] }>(
        'GET',
        '/api/v1/outbox?limit=1000',
      )
      return rows.body.items
    }
    const deadline = Date.now() + 60_000
    let rows = await states()
    while (rows.some((r) => r.state !== 'delivered') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      rows = await states()
    }
    expect(rows.filter((r) => r.state !== 'delivered')).toEqual([])
    // Every waybill's nodes reached Kdniao, the last push carrying the whole history up to delivery.
    const waybills = played.truth.waybills.map((w) => w.no)
    expect(waybills.length).toBeGreaterThanOrEqual(3)
    for (const waybill of waybills) {
      const pushes = platforms.requests({ platform: 'kdniao', waybill, outcome: 'accepted' })
      const last = pushes.at(-1)?.content as { Data: { State: string }[] } | undefined
      expect(last?.Data[0]?.State, waybill).toBe('3')
    }
  })

  it('reefer failure: every excursion, the budget, nothing else', { timeout: 180_000 }, async () => {
    const { report } = await play(['reefer-failure'], 7)
    expect(report.byKind['temperature']?.expected).toBeGreaterThanOrEqual(2)
    expectClean(report)
  })

  it('box offline with a back-filled batch: the excursion found late, the real gap only', {
    timeout: 180_000,
  }, async () => {
    const { truth, report } = await play(['box-offline-backfill'], 42)
    expect(truth.waybills.flatMap((w) => w.excursions.map((x) => x.late))).toEqual([true])
    expectClean(report)
  })

  it('stalled at the hub: the stalls raised', { timeout: 240_000 }, async () => {
    const { report } = await play(['stalled-at-hub'], 3)
    expect(report.byKind['transit_stalled']?.expected).toBe(2)
    expectClean(report)
  })

  it('sensor faults: one alert source per fault and parcel, no excursion', { timeout: 180_000 }, async () => {
    const { report } = await play(['sensor-fault'], 5)
    expect(report.byKind['sensor_fault']?.expected).toBeGreaterThanOrEqual(3)
    expectClean(report)
  })

  it('door left open: the loose parcels’ excursions, not the boxed one', { timeout: 180_000 }, async () => {
    const { report } = await play(['door-left-open'], 11)
    expectClean(report)
  })

  it('clock skew: the excursion seen through skewed clocks', { timeout: 180_000 }, async () => {
    const { report } = await play(['clock-skew'], 13)
    expectClean(report)
  })
})
