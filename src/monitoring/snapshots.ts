/**
 * The temperature snapshot of a tracking node: the hand-over record GB 31605 asks for ("records kept of every
 * hand-over"). At the node's device time: the newest reading of the sensor the waybill takes its temperature
 * from (custody/exposure.ts), the extremes of the waybill's readings since custody began, and whether the
 * value is within the profile. A reading older than the profile's maximum gap is not "the temperature at that
 * moment": the snapshot then says unknown (null), never in range.
 *
 * A scan usually reaches the gateway before the sensor's reading of that minute: a snapshot without a current
 * value stays pending (in memory, best effort) and is taken again when the waybill's next readings arrive,
 * until it has one or the data has moved on past the maximum gap.
 */
import type { Exposure } from '../custody/exposure.js'
import type { NodeStore, TrackingNode } from '../custody/nodes.js'
import type { TemperatureProfile } from '../rules/index.js'
import type { Database } from '../store/database.js'
import type { NodeTemperatureEvent, TemperatureSnapshot } from './events.js'
import type { ExposureHistory } from './series.js'

/** Without a profile (a waybill not known yet), the default maximum gap (specs: six missed 5-min records). */
const DEFAULT_MAX_GAP_MS = 30 * 60_000
/** Bound of the pending snapshots kept in memory. */
const MAX_PENDING = 10_000

type Profile = { name: string; profile: TemperatureProfile } | null

export class NodeSnapshots {
  private readonly s
  private readonly pending = new Map<string, TrackingNode[]>()

  constructor(
    db: Database,
    private readonly exposure: Exposure,
    private readonly history: ExposureHistory,
    private readonly nodes: NodeStore,
  ) {
    this.s = {
      latest: db.prepare<[string, number], { ts: number; temp_c: number }>(
        `SELECT ts, temp_c FROM readings WHERE device_id = ? AND ts <= ? AND quality = 'ok'
            AND temp_c IS NOT NULL ORDER BY ts DESC LIMIT 1`,
      ),
      extremes: db.prepare<[string, number, number], { min: number | null; max: number | null }>(
        `SELECT min(temp_c) AS min, max(temp_c) AS max FROM readings
          WHERE device_id = ? AND ts >= ? AND ts <= ? AND quality = 'ok'`,
      ),
    }
  }

  /** Takes and stores a new node's snapshot (pending while no current reading is known). */
  take(node: TrackingNode, profile: Profile): NodeTemperatureEvent {
    const snapshot = this.store(node, profile)
    if (snapshot.at === null) {
      if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string)
      this.pending.set(node.waybill, [...(this.pending.get(node.waybill) ?? []), node])
    }
    return { type: 'node.temperature', waybill: node.waybill, nodeId: node.id, snapshot }
  }

  /** Whether a snapshot of the waybill waits for readings. */
  waiting(waybill: string): boolean {
    return this.pending.has(waybill)
  }

  /** Readings arrived for the waybill (device times `ts`): pending snapshots are taken again. */
  refresh(waybill: string, ts: readonly number[], profile: Profile): NodeTemperatureEvent[] {
    const waiting = this.pending.get(waybill)
    if (!waiting) return []
    const newest = Math.max(...ts)
    const maxGapMs = profile?.profile.maxGapMs ?? DEFAULT_MAX_GAP_MS
    const events: NodeTemperatureEvent[] = []
    const still = waiting.filter((node) => {
      const snapshot = this.store(node, profile)
      if (snapshot.at !== null) {
        events.push({ type: 'node.temperature', waybill, nodeId: node.id, snapshot })
        return false
      }
      return newest <= node.ts + maxGapMs
    })
    if (still.length > 0) this.pending.set(waybill, still)
    else this.pending.delete(waybill)
    return events
  }

  private store(node: TrackingNode, profile: Profile): TemperatureSnapshot {
    const snapshot = this.of(node, profile)
    this.nodes.setTemperatureSnapshot(node.id, snapshot)
    return snapshot
  }

  /** The snapshot of `node` under `profile` (null: unknown profile), as the store knows it now. */
  of(node: TrackingNode, profile: Profile): TemperatureSnapshot {
    // A delivery closes custody at the node's own time: its hand-over temperature is the one just before.
    const source =
      this.exposure.sensorForWaybillAt(node.waybill, node.ts) ??
      this.exposure.sensorForWaybillAt(node.waybill, node.ts - 1)
    let latest: { ts: number; tempC: number; sensorId: string } | null = null
    for (const device of source?.devices ?? []) {
      const row = this.s.latest.get(device, node.ts)
      if (row && (!latest || row.ts > latest.ts)) latest = { ts: row.ts, tempC: row.temp_c, sensorId: device }
    }
    const maxGapMs = profile?.profile.maxGapMs ?? DEFAULT_MAX_GAP_MS
    const current = latest && node.ts - latest.ts <= maxGapMs ? latest : null
    let minC: number | null = null
    let maxC: number | null = null
    for (const seg of this.history.segmentsOf(node.waybill)) {
      if (seg.from > node.ts) break
      const until = Math.min(node.ts, (seg.to ?? Number.MAX_SAFE_INTEGER) - 1)
      for (const device of seg.devices) {
        const x = this.s.extremes.get(device, seg.from, until)
        if (x?.min != null && (minC === null || x.min < minC)) minC = x.min
        if (x?.max != null && (maxC === null || x.max > maxC)) maxC = x.max
      }
    }
    // At pickup the current value is read just before custody began: it belongs to the extremes all the same.
    if (current && (minC === null || current.tempC < minC)) minC = current.tempC
    if (current && (maxC === null || current.tempC > maxC)) maxC = current.tempC
    const p = profile?.profile
    return {
      at: current?.ts ?? null,
      tempC: current?.tempC ?? null,
      minC,
      maxC,
      inRange: current && p ? (p.lowC === null || current.tempC >= p.lowC) && current.tempC <= p.highC : null,
      sensorId: current?.sensorId ?? source?.devices[0] ?? null,
      container: source?.container ?? null,
      profile: profile?.name ?? null,
    }
  }
}
