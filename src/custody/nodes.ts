/**
 * Tracking nodes: one per stored scan, kept whatever the scan says (unknown waybill, contradiction), with the
 * canonical status and the flags that explain it.
 *
 * Temperature snapshot hook: `temperature_snapshot` stays NULL when the node is created. The excursion engine
 * fills it through `setTemperatureSnapshot` once it knows the waybill's temperature at the node's device time
 * (source: `Exposure.sensorForWaybillAt(waybill, node.ts)`), making the node the hand-over record GB 31605 asks
 * for; a late reading may refresh it.
 */
import type { ScanEvent, ScanRecord } from '../model.js'
import type { Database } from '../store/database.js'
import type { ScanFact } from './model.js'
import { type CanonicalStatus, canonicalStatus } from './status.js'

/** Why a node is unusual. `contradictsCustody` holds the reason, re-evaluated by device time on every scan. */
export interface NodeFlags {
  /** The waybill was unknown when the scan arrived. */
  unknownWaybill: boolean
  /** A node with a later device time existed when this one arrived. */
  late: boolean
  contradictsCustody: string | null
}

/** A waybill's tracking node: the scan, its canonical status, its flags. Times are epoch ms. */
export interface TrackingNode {
  id: number
  waybill: string
  deviceId: string
  seq: number
  event: ScanEvent
  status: CanonicalStatus
  ts: number
  receivedAt: number
  container: string | null
  location: { name: string | null; lat: number | null; lon: number | null } | null
  operator: string | null
  note: string | null
  flags: NodeFlags
  temperatureSnapshot: unknown
}

interface NodeRow {
  id: number
  waybill: string
  device_id: string
  seq: number
  event: ScanEvent
  status: CanonicalStatus
  ts: number
  received_at: number
  container: string | null
  location_name: string | null
  lat: number | null
  lon: number | null
  operator: string | null
  note: string | null
  unknown_waybill: number
  late: number
  contradiction: string | null
  temperature_snapshot: string | null
}

function toNode(r: NodeRow): TrackingNode {
  const hasLocation = r.location_name !== null || r.lat !== null || r.lon !== null
  return {
    id: r.id,
    waybill: r.waybill,
    deviceId: r.device_id,
    seq: r.seq,
    event: r.event,
    status: r.status,
    ts: r.ts,
    receivedAt: r.received_at,
    container: r.container,
    location: hasLocation ? { name: r.location_name, lat: r.lat, lon: r.lon } : null,
    operator: r.operator,
    note: r.note,
    flags: {
      unknownWaybill: r.unknown_waybill === 1,
      late: r.late === 1,
      contradictsCustody: r.contradiction,
    },
    temperatureSnapshot: r.temperature_snapshot === null ? null : JSON.parse(r.temperature_snapshot),
  }
}

function statements(db: Database) {
  return {
    insert: db.prepare(
      `INSERT INTO tracking_nodes (waybill, device_id, seq, event, status, ts, received_at, container, location_name,
                                   lat, lon, operator, note, unknown_waybill, late)
       VALUES (@waybill, @deviceId, @seq, @event, @status, @ts, @receivedAt, @container, @locationName,
               @lat, @lon, @operator, @note, @unknown, @late)
       ON CONFLICT (device_id, seq) DO NOTHING`,
    ),
    later: db.prepare<[string, number], number>(
      'SELECT 1 FROM tracking_nodes WHERE waybill = ? AND ts > ? LIMIT 1',
    ),
    facts: db.prepare<[string], ScanFact & { id: number; contradiction: string | null }>(
      `SELECT id, device_id AS deviceId, seq, ts, event, container, contradiction
         FROM tracking_nodes WHERE waybill = ?`,
    ),
    byId: db.prepare<[number], NodeRow>('SELECT * FROM tracking_nodes WHERE id = ?'),
    ofWaybill: db.prepare<[string], NodeRow>(
      'SELECT * FROM tracking_nodes WHERE waybill = ? ORDER BY ts, id',
    ),
    contradiction: db.prepare('UPDATE tracking_nodes SET contradiction = ? WHERE id = ?'),
    snapshot: db.prepare('UPDATE tracking_nodes SET temperature_snapshot = ? WHERE id = ?'),
  }
}

export class NodeStore {
  private readonly s: ReturnType<typeof statements>

  constructor(db: Database) {
    this.s = statements(db)
  }

  /** Stores the scan as a node; null when that (device, seq) is a node already. */
  insert(scan: ScanRecord, unknownWaybill: boolean): number | null {
    const late = this.s.later.get(scan.waybill, scan.ts) !== undefined
    const result = this.s.insert.run({
      ...scan,
      status: canonicalStatus(scan.event),
      unknown: unknownWaybill ? 1 : 0,
      late: late ? 1 : 0,
    })
    return result.changes === 1 ? Number(result.lastInsertRowid) : null
  }

  /** The waybill's scans as the custody replay reads them, with node ids and current contradictions. */
  facts(waybill: string): (ScanFact & { id: number; contradiction: string | null })[] {
    return this.s.facts.all(waybill)
  }

  get(id: number): TrackingNode | null {
    const row = this.s.byId.get(id)
    return row ? toNode(row) : null
  }

  /** A waybill's nodes in device-time order. */
  ofWaybill(waybill: string): TrackingNode[] {
    return this.s.ofWaybill.all(waybill).map(toNode)
  }

  setContradiction(id: number, reason: string | null): void {
    this.s.contradiction.run(reason, id)
  }

  /** The hook for the excursion engine: the waybill's temperature at the node's device time, as JSON. */
  setTemperatureSnapshot(id: number, snapshot: unknown): void {
    this.s.snapshot.run(snapshot === null ? null : JSON.stringify(snapshot), id)
  }
}
