/**
 * An InfluxDB-compatible server for tests: `influxdb:2` in a container when a Docker engine is reachable,
 * otherwise the local VictoriaMetrics (Debian `victoria-metrics`), which accepts the InfluxDB v2 write API.
 * Both are read back through the server's own query API, never from the writer's memory.
 */
import { startInfluxdbContainer } from './influxdb.js'
import type { ServiceHandle } from './service.js'
import { dockerAvailable, findBinary } from './service.js'
import { startVictoriaMetrics } from './victoria-metrics.js'

/** One stored value: a (measurement, tag set, field, timestamp) and its value, as the server returns it. */
export interface InfluxSample {
  measurement: string
  field: string
  tags: Record<string, string>
  /** Epoch milliseconds. */
  time: number
  value: number | string | boolean
}

export interface InfluxServer extends ServiceHandle {
  kind: 'influxdb' | 'victoria-metrics'
  /** Base URL for @influxdata/influxdb-client. */
  url: string
  /** The v2 write endpoint (`/api/v2/write`). */
  writeUrl: string
  org: string
  bucket: string
  token: string
  /**
   * False for VictoriaMetrics: it keeps numbers only (a string field comes back as 0, a boolean as 0 or 1), so
   * tests check string fields only where this is true.
   */
  keepsStrings: boolean
  /** Every stored value of a measurement, one per series, field and timestamp as the server stores it. */
  samples(measurement: string): Promise<InfluxSample[]>
}

export async function startInflux(): Promise<InfluxServer> {
  if (await dockerAvailable()) {
    try {
      return await startInfluxdbContainer()
    } catch (err) {
      // A reachable engine that cannot run the image (no registry access, say): the local server will do.
      if (!findBinary('victoria-metrics')) throw err
      console.warn(`influxdb:2 container failed (${(err as Error).message}); using local VictoriaMetrics`)
    }
  }
  return startVictoriaMetrics()
}

/** A point as Grafana would see it: the fields of one series at one timestamp. */
export interface InfluxPointView {
  measurement: string
  tags: Record<string, string>
  time: number
  fields: Record<string, number | string | boolean>
}

/** Groups samples into points (series + timestamp); a field seen twice for one point is reported in `duplicates`. */
export function toPoints(samples: InfluxSample[]): { points: InfluxPointView[]; duplicates: string[] } {
  const byKey = new Map<string, InfluxPointView>()
  const duplicates: string[] = []
  for (const s of samples) {
    const tagKey = Object.keys(s.tags)
      .sort()
      .map((k) => `${k}=${s.tags[k]}`)
      .join(',')
    const key = `${s.measurement},${tagKey} ${s.time}`
    let point = byKey.get(key)
    if (!point) {
      point = { measurement: s.measurement, tags: s.tags, time: s.time, fields: {} }
      byKey.set(key, point)
    }
    if (s.field in point.fields) duplicates.push(`${key} ${s.field}`)
    point.fields[s.field] = s.value
  }
  return { points: [...byKey.values()], duplicates }
}
