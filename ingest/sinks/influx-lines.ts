/**
 * Store rows → InfluxDB line protocol, per the schema in docs/influx-schema.md. Pure: the same row always gives
 * the same line (same series, same timestamp, same fields), which is what makes a replay overwrite instead of
 * duplicate. Only values fixed at ingest go into tags; anything that may change later (a sensor's container)
 * would move a replayed point into another series.
 *
 * Lines are built here rather than with the client's `Point`: its encoder costs ~30 µs a line, which on a chunk
 * of 5,000 rows would hold the event loop (and so ingest) for over 100 ms. Escaping is the client's.
 */
import { escape as lp } from '@influxdata/influxdb-client'
import type { Config } from '../../src/config.js'
import type { ReadingRow as StoredReadingRow } from '../../src/store/readings.js'

export type Precision = Config['influx']['precision']

const zeros: Record<Precision, string> = { s: '', ms: '', us: '000', ns: '000000' }

/** Device time (epoch ms) in the write precision; digits are appended, not multiplied, so nothing is rounded. */
export function influxTime(ms: number, precision: Precision): string {
  if (precision === 's') return String(Math.floor(ms / 1000))
  const whole = Math.trunc(ms)
  return whole === 0 ? '0' : `${whole}${zeros[precision]}`
}

// Tag and field keys below are constants that need no escaping; values are escaped.
const tag = (key: string, value: string): string => (value === '' ? '' : `,${key}=${lp.tag(value)}`)
const float = (key: string, value: number | null): string | null =>
  value === null || !Number.isFinite(value) ? null : `${key}=${value}`
const int = (key: string, value: number): string => `${key}=${Math.trunc(value)}i`
const bool = (key: string, value: boolean): string => `${key}=${value}`
const str = (key: string, value: string | null): string | null =>
  value === null ? null : `${key}=${lp.quoted(value)}`

function line(measurement: string, tags: string, fields: Array<string | null>, time: string): string {
  return `${measurement}${tags} ${fields.filter((f) => f !== null).join(',')} ${time}`
}

/** Registered kind, or `unknown` for devices the registry does not know (open mode, bridged devices). */
const kindTag = (kind: string | null): string => kind ?? 'unknown'

/** A reading as the sink selects it: the stored row (without the fault text) and the device's kind. */
export type ReadingRow = Omit<StoredReadingRow, 'fault'> & { kind: string | null }

export function readingLine(r: ReadingRow, precision: Precision): string {
  return line(
    'reading',
    tag('device', r.device_id) + tag('device_kind', kindTag(r.kind)) + tag('quality', r.quality),
    [
      float('temp_c', r.temp_c),
      float('rh', r.rh),
      r.door_open === null ? null : bool('door_open', r.door_open === 1),
      float('battery_pct', r.battery_pct),
      float('lat', r.lat),
      float('lon', r.lon),
      int('seq', r.seq),
      int('delay_ms', Math.max(0, r.received_at - r.ts)),
    ],
    influxTime(r.ts, precision),
  )
}

export interface ScanRow {
  id: number
  device_id: string
  seq: number
  ts: number
  received_at: number
  waybill: string
  event: string
  container: string | null
  location_name: string | null
  lat: number | null
  lon: number | null
}

/** The waybill is a field, not a tag: every parcel is a new value, and as a tag each would open a new series. */
export function scanLine(s: ScanRow, precision: Precision): string {
  return line(
    'scan',
    tag('device', s.device_id) + tag('event', s.event),
    [
      str('waybill', s.waybill),
      str('container', s.container),
      str('location', s.location_name),
      float('lat', s.lat),
      float('lon', s.lon),
      int('seq', s.seq),
    ],
    influxTime(s.ts, precision),
  )
}

export interface StatusRow {
  id: number
  device_id: string
  ts: number
  received_at: number
  online: number
  fw: string | null
  battery_pct: number | null
  kind: string | null
}

export function statusLine(s: StatusRow, precision: Precision): string {
  return line(
    'device_status',
    tag('device', s.device_id) + tag('device_kind', kindTag(s.kind)),
    [bool('online', s.online === 1), str('fw', s.fw), float('battery_pct', s.battery_pct)],
    influxTime(s.ts, precision),
  )
}
