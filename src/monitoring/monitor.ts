/**
 * The excursion engine at run time (issue 3): each commit's new readings go to the waybills they apply to
 * (custody/exposure.ts: the innermost sensored container at the reading's device time), custody changes
 * re-evaluate the waybills they touch, new tracking nodes get their temperature snapshot and end stalls; the
 * timers tell the engine the wall time, in each series' device time (silent sensors: device-clock.ts), and look
 * for stalled transits.
 *
 * State persistence: engine states live in memory only (state-cache.ts) and are rebuilt from the stored
 * readings and custody when missing; what was reported is stored (findings.ts) and is the baseline of every
 * rebuild, so a restart repeats nothing and misses nothing. Everything runs inside the caller's transaction.
 */
import type { CustodyEvent } from '../custody/events.js'
import type { TrackingNode } from '../custody/nodes.js'
import { type CustodyService, custodyOf } from '../custody/service.js'
import type { ReadingRecord } from '../model.js'
import type { StallParams, TemperatureProfile, WindowOptions } from '../rules/index.js'
import type { Database } from '../store/database.js'
import { type EvaluationPath, type Pass, readingKey, WaybillEvaluator } from './evaluator.js'
import type { MonitoringEvent } from './events.js'
import { FindingStore } from './findings.js'
import { type WaybillParams, WaybillParamsResolver } from './params.js'
import { type ProfileStore, profilesOf } from './profile-store.js'
import { ExposureHistory } from './series.js'
import { NodeSnapshots } from './snapshots.js'
import { StallWatch } from './stalls.js'
import { StateCache } from './state-cache.js'

export interface MonitorOptions {
  clock: () => number
  window: WindowOptions
  stall: StallParams
  cacheWaybills: number
  rebuildsPerTick: number
  /** Told how many waybills were evaluated by each path, once per commit or tick (metrics). */
  counted?: (path: EvaluationPath, n: number) => void
}

const CUSTODY_TYPES = new Set(['node.created', 'custody.changed', 'waybill.status'])
const isCustodyEvent = (e: unknown): e is CustodyEvent =>
  typeof e === 'object' && e !== null && CUSTODY_TYPES.has((e as { type?: unknown }).type as string)

export class Monitor {
  readonly profiles: ProfileStore
  readonly findings: FindingStore
  readonly history: ExposureHistory
  readonly cache: StateCache
  private readonly custody: CustodyService
  private readonly params: WaybillParamsResolver
  private readonly evaluator: WaybillEvaluator
  private readonly snapshots: NodeSnapshots
  private readonly stalls: StallWatch
  private readonly active

  constructor(
    db: Database,
    private readonly options: MonitorOptions,
  ) {
    this.custody = custodyOf(db)
    this.profiles = profilesOf(db)
    this.findings = new FindingStore(db)
    this.history = new ExposureHistory(db, this.custody.exposure)
    this.cache = new StateCache(db, options.cacheWaybills)
    this.params = new WaybillParamsResolver(db, this.profiles, options.window, options.cacheWaybills)
    this.evaluator = new WaybillEvaluator(db, this.params, this.cache, this.findings, this.history)
    this.snapshots = new NodeSnapshots(db, this.custody.exposure, this.history, this.custody.nodes)
    this.stalls = new StallWatch(db, this.findings, options.stall)
    this.active = db
      .prepare<[], string>(
        `SELECT no FROM waybills WHERE status IN ('picked_up', 'in_transit', 'out_for_delivery', 'exception')`,
      )
      .pluck()
  }

  /** One commit: its new readings and the custody facts of the steps before. */
  processCommit(readings: readonly ReadingRecord[], facts: readonly unknown[]): MonitoringEvent[] {
    const custody = facts.filter(isCustodyEvent)
    if (readings.length === 0 && custody.length === 0) return []
    const pass: Pass = {
      generation: this.cache.begin(),
      now: this.options.clock(),
      fresh: new Set(readings.map(readingKey)),
    }
    const byWaybill = new Map<string, ReadingRecord[]>()
    const waybillsFor = this.custody.exposure.readingLookup()
    for (const r of readings) {
      for (const no of waybillsFor(r.deviceId, r.ts)) {
        const list = byWaybill.get(no)
        if (list) list.push(r)
        else byWaybill.set(no, [r])
      }
    }
    const again = this.touchedByCustody(custody)
    const events: MonitoringEvent[] = []
    for (const no of [...again].sort()) {
      events.push(...this.evaluator.reevaluate(no, byWaybill.get(no) ?? [], pass))
    }
    for (const [no, list] of byWaybill) {
      if (again.has(no)) continue
      const found = this.evaluator.advance(no, list, pass)
      if (found.length > 0) events.push(...found)
    }
    for (const fact of custody) if (fact.type === 'node.created') events.push(...this.onNode(fact.node, pass))
    for (const [no, list] of byWaybill) {
      if (!this.snapshots.waiting(no)) continue
      const ts = list.map((r) => r.ts)
      events.push(...this.snapshots.refresh(no, ts, this.profileView(no)))
    }
    this.reportCounts()
    return events
  }

  /** The waybills in custody (picked up, not delivered), for the gap tick. */
  activeWaybills(): string[] {
    return this.active.all()
  }

  /**
   * The gap tick over `waybills` (default: every waybill in custody): each learns the wall time. States
   * missing from memory are rebuilt, at most `rebuildsPerTick` per call; the others wait for the next tick.
   */
  tickActive(waybills: readonly string[] = this.active.all()): MonitoringEvent[] {
    const pass: Pass = { generation: this.cache.begin(), now: this.options.clock(), fresh: new Set() }
    const events: MonitoringEvent[] = []
    let rebuilds = 0
    for (const no of waybills) {
      const ticked = this.evaluator.tick(no, pass)
      if (ticked) events.push(...ticked)
      else if (rebuilds++ < this.options.rebuildsPerTick)
        events.push(...this.evaluator.reevaluate(no, [], pass))
    }
    this.reportCounts()
    return events
  }

  /** The profile a waybill is evaluated against now, or null (unknown waybill or profile). */
  profileOf(no: string): WaybillParams | null {
    return this.params.of(no)
  }

  /** The stall sweep. */
  sweepStalls(): MonitoringEvent[] {
    return this.stalls.sweep(this.options.clock())
  }

  private reportCounts(): void {
    const counts = this.evaluator.takeCounts()
    if (!this.options.counted) return
    for (const path of ['incremental', 'store'] as const)
      if (counts[path] > 0) this.options.counted(path, counts[path])
  }

  /** Waybills whose exposure changed: the scanned one, and those inside each container that moved. */
  private touchedByCustody(facts: readonly CustodyEvent[]): Set<string> {
    const out = new Set<string>()
    for (const f of facts) {
      if (f.type === 'custody.changed') {
        out.add(f.waybill)
        for (const c of f.containers)
          for (const no of this.history.waybillsUnder(c.container, c.since)) out.add(no)
      } else if (f.type === 'waybill.status' && (f.status === 'delivered' || f.previous === 'delivered')) {
        // Custody ended (or a late scan re-opened it): the custody edges change even without intervals.
        out.add(f.waybill)
      }
    }
    return out
  }

  private onNode(node: TrackingNode, pass: Pass): MonitoringEvent[] {
    return [this.snapshots.take(node, this.profileView(node.waybill)), ...this.stalls.resume(node, pass.now)]
  }

  private profileView(no: string): { name: string; profile: TemperatureProfile } | null {
    const wp = this.params.of(no)
    return wp ? { name: wp.profileName, profile: wp.params.profile } : null
  }
}
