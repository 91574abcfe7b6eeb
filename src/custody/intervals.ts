/**
 * The SQL of custody: intervals and container moves, and the point-in-time lookups the exposure queries fall
 * back to when the in-memory index of open intervals cannot answer (a timestamp before the latest change).
 */
import type { Database } from '../store/database.js'
import type { ChildKind, ContainerMove, CustodyInterval } from './model.js'
import type { Seed } from './timeline.js'

interface IntervalRow {
  child_kind: ChildKind
  child_id: string
  parent: string
  from_ts: number
  to_ts: number | null
  opened_by_device: string
  opened_by_seq: number
}

interface MoveRow {
  device_id: string
  seq: number
  waybill: string
  container: string
  parent: string | null
  ts: number
  rank: number
}

function toInterval(r: IntervalRow): CustodyInterval {
  return {
    childKind: r.child_kind,
    childId: r.child_id,
    parent: r.parent,
    fromTs: r.from_ts,
    toTs: r.to_ts,
    openedBy: { deviceId: r.opened_by_device, seq: r.opened_by_seq },
  }
}

function toMove(r: MoveRow): ContainerMove {
  return {
    deviceId: r.device_id,
    seq: r.seq,
    waybill: r.waybill,
    container: r.container,
    parent: r.parent,
    ts: r.ts,
    rank: r.rank,
  }
}

/** A child found inside a container. */
export interface ChildRef {
  kind: ChildKind
  id: string
}

const COLUMNS = 'child_kind, child_id, parent, from_ts, to_ts, opened_by_device, opened_by_seq'

function statements(db: Database) {
  return {
    ofChild: db.prepare<[ChildKind, string], IntervalRow>(
      `SELECT ${COLUMNS} FROM custody_intervals WHERE child_kind = ? AND child_id = ? ORDER BY from_ts`,
    ),
    deleteChild: db.prepare('DELETE FROM custody_intervals WHERE child_kind = ? AND child_id = ?'),
    insert: db.prepare(
      `INSERT INTO custody_intervals (${COLUMNS})
       VALUES (@childKind, @childId, @parent, @fromTs, @toTs, @deviceId, @seq)`,
    ),
    // The window of a container from t0: intervals still open at t0 or starting after it.
    window: db.prepare<[string, number], IntervalRow>(
      `SELECT ${COLUMNS} FROM custody_intervals
        WHERE child_kind = 'container' AND child_id = ? AND (to_ts IS NULL OR to_ts >= ?) ORDER BY from_ts`,
    ),
    deleteWindow: db.prepare(
      `DELETE FROM custody_intervals
        WHERE child_kind = 'container' AND child_id = ? AND (to_ts IS NULL OR to_ts >= ?)`,
    ),
    movesOfWaybill: db.prepare<[string], MoveRow>('SELECT * FROM container_moves WHERE waybill = ?'),
    deleteMovesOfWaybill: db.prepare('DELETE FROM container_moves WHERE waybill = ?'),
    insertMove: db.prepare(
      `INSERT INTO container_moves (device_id, seq, waybill, container, parent, ts, rank)
       VALUES (@deviceId, @seq, @waybill, @container, @parent, @ts, @rank)`,
    ),
    movesFrom: db.prepare<[string, number], MoveRow>(
      'SELECT * FROM container_moves WHERE container = ? AND ts >= ?',
    ),
    parentAt: db.prepare<[ChildKind, string, number], { parent: string; to_ts: number | null }>(
      `SELECT parent, to_ts FROM custody_intervals
        WHERE child_kind = ? AND child_id = ? AND from_ts <= ? ORDER BY from_ts DESC LIMIT 1`,
    ),
    // Children at ts: the open intervals that began by then, and the closed ones covering it. Two statements,
    // each on its own partial index, rather than one OR that SQLite would scan.
    openChildrenAt: db.prepare<[string, number], { child_kind: ChildKind; child_id: string }>(
      'SELECT child_kind, child_id FROM custody_intervals WHERE parent = ? AND to_ts IS NULL AND from_ts <= ?',
    ),
    closedChildrenAt: db.prepare<[string, number, number], { child_kind: ChildKind; child_id: string }>(
      `SELECT child_kind, child_id FROM custody_intervals
        WHERE parent = ? AND to_ts IS NOT NULL AND to_ts > ? AND from_ts <= ?`,
    ),
    allOpen: db.prepare<[], IntervalRow>(`SELECT ${COLUMNS} FROM custody_intervals WHERE to_ts IS NULL`),
    childLastChange: db.prepare<[], { child_kind: ChildKind; child_id: string; at: number }>(
      `SELECT child_kind, child_id, max(coalesce(to_ts, from_ts)) AS at FROM custody_intervals
        WHERE (child_kind, child_id) IN (SELECT child_kind, child_id FROM custody_intervals WHERE to_ts IS NULL)
        GROUP BY child_kind, child_id`,
    ),
    parentLastChange: db.prepare<[], { parent: string; at: number }>(
      'SELECT parent, max(coalesce(to_ts, from_ts)) AS at FROM custody_intervals GROUP BY parent',
    ),
  }
}

export class CustodyStore {
  private readonly s: ReturnType<typeof statements>

  constructor(db: Database) {
    this.s = statements(db)
  }

  intervalsOf(kind: ChildKind, id: string): CustodyInterval[] {
    return this.s.ofChild.all(kind, id).map(toInterval)
  }

  /** Replaces all intervals of a child. */
  replaceIntervals(kind: ChildKind, id: string, intervals: readonly CustodyInterval[]): void {
    this.s.deleteChild.run(kind, id)
    for (const i of intervals) this.insert(i)
  }

  /** A container's intervals from t0 on (to be replaced), and the seed of its recomputation. */
  containerWindow(container: string, t0: number): { removed: CustodyInterval[]; seed: Seed } {
    const removed = this.s.window.all(container, t0).map(toInterval)
    const before = removed.find((i) => i.fromTs < t0)
    if (!before) return { removed, seed: null }
    const { toTs: _toTs, ...seed } = before
    return { removed, seed }
  }

  replaceContainerWindow(container: string, t0: number, intervals: readonly CustodyInterval[]): void {
    this.s.deleteWindow.run(container, t0)
    for (const i of intervals) this.insert(i)
  }

  movesOfWaybill(waybill: string): ContainerMove[] {
    return this.s.movesOfWaybill.all(waybill).map(toMove)
  }

  replaceMovesOfWaybill(waybill: string, moves: readonly ContainerMove[]): void {
    this.s.deleteMovesOfWaybill.run(waybill)
    for (const m of moves) this.s.insertMove.run(m)
  }

  /** A container's moves at or after t0. */
  movesFrom(container: string, t0: number): ContainerMove[] {
    return this.s.movesFrom.all(container, t0).map(toMove)
  }

  /** The parent of a child at ts, or null. */
  parentAt(kind: ChildKind, id: string, ts: number): string | null {
    const row = this.s.parentAt.get(kind, id, ts)
    return row && (row.to_ts === null || row.to_ts > ts) ? row.parent : null
  }

  childrenAt(parent: string, ts: number): ChildRef[] {
    const rows = [...this.s.openChildrenAt.all(parent, ts), ...this.s.closedChildrenAt.all(parent, ts, ts)]
    return rows.map((r) => ({ kind: r.child_kind, id: r.child_id }))
  }

  /** What the in-memory index is rebuilt from. */
  snapshot(): {
    open: CustodyInterval[]
    childLastChange: { kind: ChildKind; id: string; at: number }[]
    parentLastChange: { parent: string; at: number }[]
  } {
    return {
      open: this.s.allOpen.all().map(toInterval),
      childLastChange: this.s.childLastChange
        .all()
        .map((r) => ({ kind: r.child_kind, id: r.child_id, at: r.at })),
      parentLastChange: this.s.parentLastChange.all(),
    }
  }

  private insert(i: CustodyInterval): void {
    this.s.insert.run({
      childKind: i.childKind,
      childId: i.childId,
      parent: i.parent,
      fromTs: i.fromTs,
      toTs: i.toTs,
      deviceId: i.openedBy.deviceId,
      seq: i.openedBy.seq,
    })
  }
}
