/**
 * Committed facts → writeback events. The facts are what the pipeline steps put in `ctx.events` (custody's
 * `node.created`, the excursion engine's `excursion.*`, alert transitions) and what the alerts API changes;
 * each becomes zero or more WritebackEvents with stable ids (ids.ts). Pure over the lookup's reads.
 */
import type { Alert } from '../../alerts/repository.js'
import type { TrackingNode } from '../../custody/nodes.js'
import type {
  AlertEvent,
  ExcursionEvent,
  ShipmentConfirmedEvent,
  TemperatureSnapshot,
  TrackingNodeEvent,
  WritebackEvent,
} from '../types.js'
import { alertEventId, excursionEventId, nodeEventId, shipmentEventId } from './ids.js'
import type { WritebackLookup } from './lookup.js'

export interface NodeCreatedFact {
  type: 'node.created'
  waybill: string
  /** Gateway ids of the orders the waybill carries. */
  orders: string[]
  node: TrackingNode
}

export interface ExcursionFact {
  type: 'excursion.opened' | 'excursion.updated' | 'excursion.cleared' | 'excursion.withdrawn'
  waybill: string
  excursion: {
    id: string
    kind: 'temperature' | 'humidity'
    side: 'high' | 'low'
    startedAt: number
    endedAt: number | null
    peak: number
    areaDegreeMinutes: number
    detectedLate: boolean
    severity: 'minor' | 'major' | 'critical'
    profile: string
  }
}

export interface AlertFact {
  type: 'alert.acknowledged' | 'alert.resolved'
  alert: Alert
}

/** The newest audit-trail row of an alert: the transition that produced the fact. */
export interface TransitionRef {
  id: number
  at: number
  actor: string
  note: string | null
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/**
 * The node's temperature snapshot as the adapters take it. The excursion engine writes the snapshot
 * (custody/nodes.ts); its fields are read tolerantly (`at` or `ts`, `min`/`minC`), anything else is unknown.
 */
export function snapshotOf(raw: unknown): TemperatureSnapshot | null {
  if (typeof raw !== 'object' || raw === null) return null
  const r = raw as Record<string, unknown>
  const at = finite(r.at) ?? finite(r.ts)
  if (at === null) return null
  return {
    tempC: finite(r.tempC),
    at,
    min: finite(r.min) ?? finite(r.minC),
    max: finite(r.max) ?? finite(r.maxC),
    inRange: typeof r.inRange === 'boolean' ? r.inRange : null,
  }
}

/**
 * A node → its tracking node event, plus one shipment confirmation per order on a pickup. A node whose waybill
 * carries no order (scanned before the order arrived) has nobody to be written back to.
 */
export function nodeEvents(
  fact: NodeCreatedFact,
  lookup: WritebackLookup,
  carrier: string,
): WritebackEvent[] {
  const orders = lookup.orders(fact.orders)
  if (orders.length === 0) return []
  // Re-read: steps after custody (the excursion engine) may have attached the temperature snapshot.
  const node = lookup.node(fact.node.id) ?? fact.node
  const tracking: TrackingNodeEvent = {
    type: 'tracking.node',
    eventId: nodeEventId(node.id),
    occurredAt: node.receivedAt,
    waybill: fact.waybill,
    carrier,
    orders,
    deviceTime: node.ts,
    scanEvent: node.event,
    status: node.status,
    location: node.location,
    operator: node.operator,
    note: node.note,
    temperature: snapshotOf(node.temperatureSnapshot),
    history: lookup.history(fact.waybill),
  }
  if (node.event !== 'pickup') return [tracking]
  const shipments = orders.map(
    (order): ShipmentConfirmedEvent => ({
      type: 'shipment.confirmed',
      eventId: shipmentEventId(fact.waybill, order.platform, order.orderId),
      occurredAt: node.receivedAt,
      waybill: fact.waybill,
      carrier,
      order,
    }),
  )
  return [tracking, ...shipments]
}

/**
 * Opened and cleared excursions become notices; `updated` (a growing peak) and `withdrawn` (late readings
 * disproved it) do not: a withdrawal reaches platforms as the alert the system resolves as a false alarm.
 */
export function excursionEvent(
  fact: ExcursionFact,
  lookup: WritebackLookup,
  now: number,
): ExcursionEvent | null {
  if (fact.type !== 'excursion.opened' && fact.type !== 'excursion.cleared') return null
  const x = fact.excursion
  const transition = fact.type === 'excursion.opened' ? 'opened' : 'cleared'
  const profile = lookup.profileOf(fact.waybill)
  const bounds =
    x.kind === 'temperature'
      ? { low: profile?.lowC ?? null, high: profile?.highC ?? null }
      : { low: profile?.humidity?.lowPct ?? null, high: profile?.humidity?.highPct ?? null }
  return {
    type: fact.type,
    eventId: excursionEventId(x.id, transition, x.endedAt),
    occurredAt: now,
    waybill: fact.waybill,
    orders: lookup.ordersOfWaybill(fact.waybill),
    excursionId: x.id,
    kind: x.kind,
    severity: x.severity,
    profile: x.profile,
    bounds,
    startedAt: x.startedAt,
    endedAt: x.endedAt,
    peak: x.peak,
  }
}

/** Alerts about the writeback itself stay inside: telling platforms that telling them fails helps no one. */
export const INTERNAL_ALERT_KINDS: readonly string[] = ['writeback_failing']

export function alertEvent(
  fact: AlertFact,
  transition: TransitionRef,
  lookup: WritebackLookup,
): AlertEvent | null {
  const { alert } = fact
  if (INTERNAL_ALERT_KINDS.includes(alert.kind)) return null
  const resolved = fact.type === 'alert.resolved'
  return {
    type: fact.type,
    eventId: alertEventId(alert.id, transition.id),
    occurredAt: transition.at,
    alertId: String(alert.id),
    kind: alert.kind,
    waybill: alert.waybill,
    orders: lookup.ordersOfWaybill(alert.waybill),
    by: (resolved ? alert.resolvedBy : alert.ackedBy) ?? transition.actor,
    note: resolved ? alert.resolutionNote : transition.note,
    disposition: resolved ? alert.disposition : null,
  }
}
