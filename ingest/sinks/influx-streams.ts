/**
 * The three tables the InfluxDB sink follows, each with its own durable cursor. Rows are read in id order
 * (rowid order is commit order), joined with the device registry for the kind tag.
 */
import type { Database } from '../../src/store/database.js'
import {
  type Precision,
  type ReadingRow,
  readingLine,
  type ScanRow,
  type StatusRow,
  scanLine,
  statusLine,
} from './influx-lines.js'

export interface StreamRow {
  id: number
  received_at: number
}

/** One source table as the sink sees it: the next chunk after a cursor, and how far behind the cursor is. */
export interface SinkStream {
  /** Metric label and measurement name. */
  name: 'reading' | 'scan' | 'device_status'
  cursorName: string
  next(afterId: number, limit: number): StreamRow[]
  /** The row as one line of line protocol. */
  toLine(row: StreamRow, precision: Precision): string
  maxId(): number
  /** Receive time of the first row after the cursor, or null when the stream is caught up. */
  oldestAfter(afterId: number): number | null
}

function stream<R extends StreamRow>(
  db: Database,
  name: SinkStream['name'],
  table: string,
  select: string,
  toLine: (row: R, precision: Precision) => string,
): SinkStream {
  const next = db.prepare<[number, number], R>(`${select} WHERE t.id > ? ORDER BY t.id LIMIT ?`)
  const max = db.prepare<[], { id: number | null }>(`SELECT max(id) AS id FROM ${table}`)
  const oldest = db.prepare<[number], { received_at: number }>(
    `SELECT received_at FROM ${table} WHERE id > ? ORDER BY id LIMIT 1`,
  )
  return {
    name,
    cursorName: `influx:${name}`,
    next: (afterId, limit) => next.all(afterId, limit),
    toLine: (row, precision) => toLine(row as R, precision),
    maxId: () => max.get()?.id ?? 0,
    oldestAfter: (afterId) => oldest.get(afterId)?.received_at ?? null,
  }
}

export function influxStreams(db: Database): SinkStream[] {
  return [
    stream<ReadingRow>(
      db,
      'reading',
      'readings',
      `SELECT t.id, t.device_id, t.seq, t.ts, t.received_at, t.temp_c, t.rh, t.door_open, t.lat, t.lon,
              t.battery_pct, t.quality, d.kind
         FROM readings t LEFT JOIN devices d ON d.id = t.device_id`,
      readingLine,
    ),
    stream<ScanRow>(
      db,
      'scan',
      'scans',
      `SELECT t.id, t.device_id, t.seq, t.ts, t.received_at, t.waybill, t.event, t.container, t.location_name,
              t.lat, t.lon
         FROM scans t`,
      scanLine,
    ),
    stream<StatusRow>(
      db,
      'device_status',
      'device_status',
      `SELECT t.id, t.device_id, t.ts, t.received_at, t.online, t.fw, t.battery_pct, d.kind
         FROM device_status t LEFT JOIN devices d ON d.id = t.device_id`,
      statusLine,
    ),
  ]
}
