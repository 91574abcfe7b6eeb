/**
 * A waybill's temperature series as the store knows it: the custody segments it took its temperature from
 * (architecture: "a waybill takes its temperature from the innermost container that has a sensor"), and the
 * readings of each segment's sensors inside that segment. This is what a state is rebuilt from after a restart,
 * a custody change or readings older than the engine's window, and what the trail shows.
 *
 * Segments come from the custody intervals: every start and end of the waybill's intervals and of the
 * intervals of the containers around it cuts the time line; on each piece the exposure query names the sensor.
 * Which sensor is mounted where is known as of now only (devices.container), like everywhere in custody.
 */
import type { Exposure } from '../custody/exposure.js'
import type { ReadingQuality } from '../model.js'
import type { RuleReading } from '../rules/index.js'
import type { Database } from '../store/database.js'

/** Containers nest box-in-vehicle; deeper chains mean a loop (as in custody/exposure.ts). */
const MAX_DEPTH = 4
const FAR = Number.MAX_SAFE_INTEGER

/** A stretch of device time over which the waybill's temperature came from one container's sensors. */
export interface Segment {
  from: number
  /** Exclusive; null while the waybill is still in that container. */
  to: number | null
  container: string
  devices: string[]
}

/** A stored reading that applied to the waybill, with the index of its segment. */
export interface SeriesReading extends RuleReading {
  deviceId: string
  seq: number
  ts: number
  tempC: number | null
  rh: number | null
  quality: ReadingQuality
  fault: string | null
  segment: number
}

interface IntervalRow {
  parent: string
  from_ts: number
  to_ts: number | null
}

interface ReadingRow {
  device_id: string
  seq: number
  ts: number
  temp_c: number | null
  rh: number | null
  quality: ReadingQuality
  fault: string | null
}

export class ExposureHistory {
  private readonly s

  constructor(
    db: Database,
    private readonly exposure: Exposure,
  ) {
    this.s = {
      own: db.prepare<[string], IntervalRow>(
        `SELECT parent, from_ts, to_ts FROM custody_intervals
          WHERE child_kind = 'waybill' AND child_id = ? ORDER BY from_ts`,
      ),
      container: db.prepare<[string, number, number], IntervalRow>(
        `SELECT parent, from_ts, to_ts FROM custody_intervals
          WHERE child_kind = 'container' AND child_id = ? AND from_ts < ? AND (to_ts IS NULL OR to_ts > ?)`,
      ),
      readings: db.prepare<[string, number, number], ReadingRow>(
        `SELECT device_id, seq, ts, temp_c, rh, quality, fault FROM readings
          WHERE device_id = ? AND ts >= ? AND ts < ? ORDER BY ts`,
      ),
      // Two statements, each on its partial index (custody_parent_open / custody_parent_closed).
      openChildren: db.prepare<[string], { kind: string; id: string; from_ts: number }>(
        `SELECT child_kind AS kind, child_id AS id, from_ts FROM custody_intervals
          WHERE parent = ? AND to_ts IS NULL`,
      ),
      closedChildren: db.prepare<[string, number], { kind: string; id: string; from_ts: number }>(
        `SELECT child_kind AS kind, child_id AS id, from_ts FROM custody_intervals
          WHERE parent = ? AND to_ts IS NOT NULL AND to_ts > ?`,
      ),
    }
  }

  /** The waybill's segments in time order; adjacent pieces with the same sensors are one segment. */
  segmentsOf(no: string): Segment[] {
    const marks = new Set<number>()
    for (const i of this.s.own.all(no)) {
      marks.add(i.from_ts)
      if (i.to_ts !== null) marks.add(i.to_ts)
      this.cuts(i.parent, i.from_ts, i.to_ts ?? FAR, marks, 0)
    }
    const times = [...marks].sort((a, b) => a - b)
    const segments: Segment[] = []
    times.forEach((t, k) => {
      const to = times[k + 1] ?? null
      const source = this.exposure.sensorForWaybillAt(no, t)
      if (!source) return
      const last = segments.at(-1)
      if (
        last &&
        last.to === t &&
        last.container === source.container &&
        last.devices.join() === source.devices.join()
      ) {
        last.to = to
      } else {
        segments.push({ from: t, to, container: source.container, devices: source.devices })
      }
    })
    return segments
  }

  /** Every stored reading that applied to the waybill, in device-time order, with the segments. */
  seriesOf(no: string): { segments: Segment[]; readings: SeriesReading[] } {
    const segments = this.segmentsOf(no)
    const readings: SeriesReading[] = []
    segments.forEach((seg, segment) => {
      for (const device of seg.devices) {
        for (const r of this.s.readings.all(device, seg.from, seg.to ?? FAR)) {
          readings.push({
            deviceId: r.device_id,
            seq: r.seq,
            ts: r.ts,
            tempC: r.temp_c,
            rh: r.rh,
            quality: r.quality,
            fault: r.fault,
            segment,
          })
        }
      }
    })
    readings.sort((a, b) => a.ts - b.ts || (a.deviceId < b.deviceId ? -1 : 1) || a.seq - b.seq)
    return { segments, readings }
  }

  /** Waybills inside `container` (directly or in containers within it) at any time from `since` on. */
  waybillsUnder(container: string, since: number): string[] {
    const found = new Set<string>()
    const seen = new Set<string>([container])
    let level = [container]
    for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
      const next: string[] = []
      for (const parent of level) {
        for (const c of [...this.s.openChildren.all(parent), ...this.s.closedChildren.all(parent, since)]) {
          if (c.kind === 'waybill') found.add(c.id)
          else if (!seen.has(c.id)) {
            seen.add(c.id)
            next.push(c.id)
          }
        }
      }
      level = next
    }
    return [...found].sort()
  }

  /** Adds the times at which the containers around `container` change within [from, to). */
  private cuts(container: string, from: number, to: number, marks: Set<number>, depth: number): void {
    if (depth >= MAX_DEPTH) return
    for (const i of this.s.container.all(container, to, from)) {
      if (i.from_ts > from) marks.add(i.from_ts)
      if (i.to_ts !== null && i.to_ts < to) marks.add(i.to_ts)
      this.cuts(i.parent, Math.max(from, i.from_ts), Math.min(to, i.to_ts ?? FAR), marks, depth + 1)
    }
  }
}
