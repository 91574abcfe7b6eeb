import type { ScanEvent, ScanRecord } from '../../../src/model.js'
import type { Database } from '../../../src/store/database.js'
import { DeviceRepository } from '../../../src/store/devices.js'

let nextSeq = 1

/** A scan of `waybill` at an ISO time (`'10:00'` is read as 2026-01-01T10:00Z), with any field replaced. */
export function scan(
  waybill: string,
  event: ScanEvent,
  at: string,
  container: string | null = null,
  overrides: Partial<ScanRecord> = {},
): ScanRecord {
  const ts = at.length <= 5 ? Date.parse(`2026-01-01T${at}:00Z`) : Date.parse(at)
  return {
    deviceId: 'scanner-1',
    seq: nextSeq++,
    ts,
    receivedAt: ts + 1000,
    waybill,
    event,
    container,
    locationName: null,
    lat: null,
    lon: null,
    operator: null,
    note: null,
    ...overrides,
  }
}

/** Epoch ms of `'HH:MM'` on 2026-01-01 (UTC). */
export function at(hhmm: string): number {
  return Date.parse(`2026-01-01T${hhmm}:00Z`)
}

/** Registers an enabled sensor mounted in `container`. */
export function sensor(
  db: Database,
  id: string,
  kind: 'truck_sensor' | 'box_sensor',
  container: string,
): void {
  new DeviceRepository(db).create({ id, kind, container, secretHash: 'unused' })
}

/** Custody intervals as compact strings, e.g. `waybill W1 in BOX-1 08:00..17:00`. */
export function intervals(db: Database): string[] {
  const hhmm = (ts: number | null) => (ts === null ? '' : new Date(ts).toISOString().slice(11, 16))
  return db
    .prepare<
      [],
      { child_kind: string; child_id: string; parent: string; from_ts: number; to_ts: number | null }
    >(
      'SELECT child_kind, child_id, parent, from_ts, to_ts FROM custody_intervals ORDER BY child_kind DESC, child_id, from_ts',
    )
    .all()
    .map((r) => `${r.child_kind} ${r.child_id} in ${r.parent} ${hhmm(r.from_ts)}..${hhmm(r.to_ts)}`)
}
