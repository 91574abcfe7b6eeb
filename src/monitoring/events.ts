/**
 * The facts monitoring puts on `ctx.events` (and the bus, after the commit): what the excursion engine found
 * per waybill, sensor faults, hand-over snapshots and stalled transits. The alerts step maps them to alerts;
 * the writeback outbox takes `excursion.opened` / `excursion.cleared` exactly in the shape below; dashboards
 * read them from the event stream (each carries `waybill`, which scopes it to the merchant's own).
 * Times are epoch ms of device time unless named otherwise.
 */
import type { Severity } from '../rules/index.js'

/** An excursion as the outbox and dashboards see it. */
export interface ExcursionView {
  id: string
  kind: 'temperature' | 'humidity'
  side: 'high' | 'low'
  startedAt: number
  endedAt: number | null
  peak: number
  /** °C·min (or %RH·min) beyond the bound. */
  areaDegreeMinutes: number
  /** Found only when back-filled or late readings arrived. */
  detectedLate: boolean
  severity: Severity
  /** Name of the profile it was evaluated against. */
  profile: string
}

export interface ExcursionEvent {
  type: 'excursion.opened' | 'excursion.updated' | 'excursion.cleared' | 'excursion.withdrawn'
  waybill: string
  excursion: ExcursionView
  /** Withdrawn: why (the readings that disproved it), and what replaced it if anything. */
  reason?: string
  supersededBy?: string
}

export interface GapView {
  id: string
  /** The last reading before the silence. */
  startedAt: number
  /** The first reading after it; null while the sensor is still silent. */
  endedAt: number | null
  durationMs: number | null
}

export interface GapEvent {
  type: 'gap.opened' | 'gap.updated' | 'gap.closed' | 'gap.withdrawn'
  waybill: string
  gap: GapView
  reason?: string
  supersededBy?: string
}

export interface BudgetView {
  budgetMs: number | null
  outOfRangeMs: number
  leftMs: number | null
  exhaustedAt: number | null
}

export interface BudgetEvent {
  type: 'budget.exhausted' | 'budget.withdrawn'
  waybill: string
  budget: BudgetView
  profile: string
  reason?: string
}

/** A reading the ingest flagged as physically implausible, from the sensor the waybill takes its temperature from. */
export interface SensorFaultEvent {
  type: 'sensor.fault'
  waybill: string
  deviceId: string
  seq: number
  ts: number
  tempC: number | null
  fault: string | null
}

/** The sensor of a `sensor.fault` measures sensibly again. */
export interface SensorRecoveredEvent {
  type: 'sensor.recovered'
  waybill: string
  deviceId: string
  ts: number
}

/** The hand-over record of a tracking node (GB 31605): the waybill's temperature when the node was scanned. */
export interface TemperatureSnapshot {
  /** Device time of the reading the temperature comes from; null when no reading was known. */
  at: number | null
  tempC: number | null
  /** Extremes of the waybill's readings from custody start up to the node. */
  minC: number | null
  maxC: number | null
  /** Whether `tempC` lies within the profile's bounds; null when unknown. */
  inRange: boolean | null
  sensorId: string | null
  container: string | null
  profile: string | null
}

export interface NodeTemperatureEvent {
  type: 'node.temperature'
  waybill: string
  nodeId: number
  snapshot: TemperatureSnapshot
}

/** No new tracking node for longer than the waybill's SLA tier allows (wall time against device time). */
export interface TransitStalledEvent {
  type: 'transit.stalled'
  waybill: string
  /** `{waybill}:stall:{last node time}`. */
  stallId: string
  lastNodeAt: number
  lastEvent: string
  /** When it became stalled: the last node plus the tier's interval. */
  dueAt: number
  slaTier: string
  maxIntervalMs: number
}

/** A new tracking node ended a stall. */
export interface TransitResumedEvent {
  type: 'transit.resumed'
  waybill: string
  /** The stall's id (`{waybill}:stall:{last node time}`). */
  stallId: string
  /** Device time of the node that ended it. */
  nodeAt: number
}

export type MonitoringEvent =
  | ExcursionEvent
  | GapEvent
  | BudgetEvent
  | SensorFaultEvent
  | SensorRecoveredEvent
  | NodeTemperatureEvent
  | TransitStalledEvent
  | TransitResumedEvent

const types = new Set<string>([
  'excursion.opened',
  'excursion.updated',
  'excursion.cleared',
  'excursion.withdrawn',
  'gap.opened',
  'gap.updated',
  'gap.closed',
  'gap.withdrawn',
  'budget.exhausted',
  'budget.withdrawn',
  'sensor.fault',
  'sensor.recovered',
  'node.temperature',
  'transit.stalled',
  'transit.resumed',
])

export function isMonitoringEvent(value: unknown): value is MonitoringEvent {
  return (
    typeof value === 'object' && value !== null && types.has((value as { type?: unknown }).type as string)
  )
}
