/**
 * Reads raw readings for the API: one device, a device-time range, in (ts, id) order, a page at a time.
 * Keyset pagination on (ts, id) stays correct while ingest keeps inserting, including back-filled readings
 * older than the page being read, and uses the (device_id, ts) index (its implicit rowid orders ties).
 */
import type { ReadingRecord } from '../model.js'
import type { Database } from './database.js'

/** A stored reading with its row id, the tie-breaker of the keyset. */
export interface StoredReading extends ReadingRecord {
  id: number
}

/** Position after which the next page starts. */
export interface ReadingKey {
  ts: number
  id: number
}

export interface ReadingQuery {
  /** Device time, inclusive. */
  from?: number
  /** Device time, exclusive. */
  to?: number
  after?: ReadingKey
  limit: number
}

export interface ReadingPage {
  items: StoredReading[]
  /** Set when more readings match; pass it back as `after`. */
  next: ReadingKey | null
}

/** A row of the `readings` table as SQLite returns it. */
export interface ReadingRow {
  id: number
  device_id: string
  seq: number
  ts: number
  received_at: number
  temp_c: number | null
  rh: number | null
  door_open: number | null
  lat: number | null
  lon: number | null
  battery_pct: number | null
  quality: ReadingRecord['quality']
  fault: string | null
}

function toReading(row: ReadingRow): StoredReading {
  return {
    id: row.id,
    deviceId: row.device_id,
    seq: row.seq,
    ts: row.ts,
    receivedAt: row.received_at,
    tempC: row.temp_c,
    rh: row.rh,
    doorOpen: row.door_open === null ? null : row.door_open === 1,
    lat: row.lat,
    lon: row.lon,
    batteryPct: row.battery_pct,
    quality: row.quality,
    fault: row.fault,
  }
}

// Epoch-ms bounds wide enough for any device clock; they keep the statement free of optional clauses.
const MIN_TS = Number.MIN_SAFE_INTEGER
const MAX_TS = Number.MAX_SAFE_INTEGER

export class ReadingReader {
  constructor(private readonly db: Database) {}

  page(deviceId: string, query: ReadingQuery): ReadingPage {
    const after = query.after ?? { ts: MIN_TS, id: 0 }
    const rows = this.db
      .prepare<[string, number, number, number, number, number], ReadingRow>(
        `SELECT * FROM readings
         WHERE device_id = ? AND ts >= ? AND ts < ? AND (ts, id) > (?, ?)
         ORDER BY ts, id LIMIT ?`,
      )
      .all(deviceId, query.from ?? MIN_TS, query.to ?? MAX_TS, after.ts, after.id, query.limit + 1)
    const items = rows.slice(0, query.limit).map(toReading)
    const last = items.at(-1)
    return { items, next: rows.length > query.limit && last ? { ts: last.ts, id: last.id } : null }
  }
}
