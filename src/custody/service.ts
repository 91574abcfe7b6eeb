/**
 * The custody service: turns each stored scan into a tracking node, replays the waybill's scans by device time
 * into custody intervals (model.ts), keeps the in-memory index of open intervals in step, and answers exposure
 * queries. Runs inside the caller's transaction (the custody pipeline step's savepoint).
 *
 * One service per database (`custodyOf`): the custody step writes through it and the excursion engine reads
 * through it, so both see one index.
 */

import type { ScanRecord } from '../model.js'
import type { WaybillStatus } from '../orders/model.js'
import type { Database } from '../store/database.js'
import { changedMoves, changedSince, sameIntervals } from './diff.js'
import type { CustodyEvent } from './events.js'
import { type CustodyView, Exposure } from './exposure.js'
import { CustodyStore } from './intervals.js'
import { NodeStore, type TrackingNode } from './nodes.js'
import { OpenIndex } from './open-index.js'
import { type Replay, refKey, replayWaybill } from './replay.js'
import { SensorDirectory } from './sensors.js'
import { containerIntervals } from './timeline.js'

interface WaybillState {
  status: WaybillStatus
  cancel_reason: string | null
}

function statements(db: Database) {
  return {
    waybill: db.prepare<[string], WaybillState>('SELECT status, cancel_reason FROM waybills WHERE no = ?'),
    setStatus: db.prepare('UPDATE waybills SET status = ?, picked_up_at = ?, delivered_at = ? WHERE no = ?'),
    orders: db
      .prepare<[string], string>(
        `SELECT DISTINCT i.order_id FROM waybill_items wi JOIN order_items i ON i.id = wi.item_id
          WHERE wi.waybill = ? ORDER BY i.order_id`,
      )
      .pluck(),
    generations: db.prepare<[], { generation: number; sensors_generation: number }>(
      'SELECT generation, sensors_generation FROM custody_state WHERE id = 1',
    ),
    bump: db
      .prepare<[], number>(
        'UPDATE custody_state SET generation = generation + 1 WHERE id = 1 RETURNING generation',
      )
      .pluck(),
  }
}

export class CustodyService {
  readonly nodes: NodeStore
  readonly exposure: Exposure
  private readonly store: CustodyStore
  private readonly index = new OpenIndex()
  private readonly sensors: SensorDirectory
  /** The store generations the index and the sensor directory reflect; -1 before the first load. */
  private generation = -1
  private sensorsGeneration = -1
  private readonly s: ReturnType<typeof statements>

  constructor(db: Database) {
    this.s = statements(db)
    this.nodes = new NodeStore(db)
    this.store = new CustodyStore(db)
    this.sensors = new SensorDirectory(db)
    this.exposure = new Exposure(this.store, () => this.fresh())
  }

  /** Records one new scan: its node, the waybill's custody re-placed by device time, and the events. */
  recordScan(scan: ScanRecord): CustodyEvent[] {
    this.fresh()
    // Bump before touching the index: if anything below throws and is rolled back, the generations differ and
    // the next reader rebuilds the index from the store.
    this.generation = this.s.bump.get() as number
    const waybill = this.s.waybill.get(scan.waybill)
    const nodeId = this.nodes.insert(scan, !waybill)
    if (nodeId === null) return []
    const facts = this.nodes.facts(scan.waybill)
    const replay = replayWaybill(scan.waybill, facts)
    const flagged = this.flag(scan.waybill, nodeId, facts, replay, waybill)
    const node = this.nodes.get(nodeId) as TrackingNode
    const orders = this.s.orders.all(scan.waybill)
    const events: CustodyEvent[] = [{ type: 'node.created', waybill: scan.waybill, orders, node }, ...flagged]
    const changed = this.place(scan.waybill, replay)
    if (changed) events.push(changed)
    if (waybill && waybill.status !== 'cancelled') {
      const status: WaybillStatus = replay.status ?? 'created'
      this.s.setStatus.run(status, replay.pickedUpAt, replay.deliveredAt, scan.waybill)
      if (status !== waybill.status) {
        events.push({ type: 'waybill.status', waybill: scan.waybill, status, previous: waybill.status })
      }
    }
    return events
  }

  /** Rebuilds the index from the store (at start, or to recover from an outside change). */
  rebuildIndex(): void {
    this.index.rebuild(this.store)
    this.generation = this.s.generations.get()?.generation ?? 0
  }

  /** Open intervals held in memory. */
  get openIntervals(): number {
    return this.fresh().index.size
  }

  /** The in-memory state, reloaded first where the store changed under it. One small read per call. */
  private fresh(): CustodyView {
    const current = this.s.generations.get()
    if (current?.generation !== this.generation) this.rebuildIndex()
    if (current?.sensors_generation !== this.sensorsGeneration) {
      this.sensors.reload()
      this.sensorsGeneration = current?.sensors_generation ?? 0
    }
    return { index: this.index, sensors: this.sensors }
  }

  /** Writes the contradictions the replay found; events for earlier nodes whose verdict changed. */
  private flag(
    no: string,
    nodeId: number,
    facts: ReturnType<NodeStore['facts']>,
    replay: Replay,
    waybill: WaybillState | undefined,
  ): CustodyEvent[] {
    const events: CustodyEvent[] = []
    for (const fact of facts) {
      let reason = replay.contradictions.get(refKey(fact)) ?? null
      if (reason === null && waybill?.status === 'cancelled' && fact.event !== 'exception') {
        reason = `waybill ${no} was cancelled (${waybill.cancel_reason ?? 'split or merged'})`
      }
      if (reason === fact.contradiction) continue
      this.nodes.setContradiction(fact.id, reason)
      if (fact.id !== nodeId) {
        events.push({ type: 'node.flagged', waybill: no, nodeId: fact.id, contradictsCustody: reason })
      }
    }
    return events
  }

  /** Writes the waybill's intervals and moves, and recomputes the containers whose moves changed. */
  private place(no: string, replay: Replay): CustodyEvent | null {
    let since = Number.POSITIVE_INFINITY
    const before = this.store.intervalsOf('waybill', no)
    if (!sameIntervals(before, replay.intervals)) {
      this.store.replaceIntervals('waybill', no, replay.intervals)
      this.index.apply('waybill', no, before, replay.intervals)
      since = changedSince(before, replay.intervals)
    }
    const moved = changedMoves(this.store.movesOfWaybill(no), replay.moves)
    if (moved.size > 0) this.store.replaceMovesOfWaybill(no, replay.moves)
    const containers: { container: string; since: number }[] = []
    for (const [container, t0] of [...moved].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const { removed, seed } = this.store.containerWindow(container, t0)
      const added = containerIntervals(container, this.store.movesFrom(container, t0), seed)
      if (sameIntervals(removed, added)) continue
      this.store.replaceContainerWindow(container, t0, added)
      this.index.apply('container', container, removed, added)
      containers.push({ container, since: changedSince(removed, added) })
    }
    since = Math.min(since, ...containers.map((c) => c.since))
    if (since === Number.POSITIVE_INFINITY) return null
    return { type: 'custody.changed', waybill: no, since, containers }
  }
}

const services = new WeakMap<Database, CustodyService>()

/** The custody service of a database, created on first use. */
export function custodyOf(db: Database): CustodyService {
  let service = services.get(db)
  if (!service) {
    service = new CustodyService(db)
    services.set(db, service)
  }
  return service
}
