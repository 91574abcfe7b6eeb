/**
 * The writeback contract: the events the outbox stores and the relay hands to platform adapters, and the adapter
 * interface itself. Everything here is plain data (JSON-serialisable, times in epoch milliseconds) so an outbox
 * row can hold an event as-is and replay it byte for byte.
 *
 * Division of labour: the outbox/relay owns persistence, ordering per (target, orderingKey(event)), retries,
 * rate limits and dead letters; an adapter owns only the platform's wire format — it turns one event into one
 * signed HTTP request and one HTTP reply into one DeliveryOutcome, without I/O, clocks or state.
 */
import type { ScanEvent } from '../model.js'
import type { Target, TargetKind } from './adapters/targets.js'

export type { Target, TargetKind, TargetOf } from './adapters/targets.js'

/** The canonical tracking status (specs/cold-chain.md, "Canonical tracking status model"). */
export const canonicalStatuses = [
  'picked_up',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
] as const
export type CanonicalStatus = (typeof canonicalStatuses)[number]

/** Why a node is an exception, when known; Kdniao StateEx 402 / 403 / 404. */
export const exceptionReasons = ['not_signed_in_time', 'not_updated_in_time', 'refused_or_returned'] as const
export type ExceptionReason = (typeof exceptionReasons)[number]

/** The marketplace an order was placed on. Tmall orders reach the courier through Taobao/Cainiao. */
export const salesPlatforms = ['taobao', 'tmall', 'douyin', 'pinduoduo', 'jd', 'other'] as const
export type SalesPlatform = (typeof salesPlatforms)[number]

/** One order a waybill carries, as the platform knows it. A waybill may carry several (merged orders). */
export interface OrderRef {
  platform: SalesPlatform
  /** The platform's order id (Taobao tid, Douyin order_id, PDD order_sn, JD orderId). */
  orderId: string
  merchantId: string
  /** Sub-orders (Taobao sub_tid) this waybill carries when the order is split across waybills. */
  subOrderIds?: string[]
}

export interface Location {
  name: string | null
  lat: number | null
  lon: number | null
}

/** The waybill's temperature at a node. A data gap is unknown (`null`), never "in range". */
export interface TemperatureSnapshot {
  tempC: number | null
  /** Device time of the reading the snapshot comes from. */
  at: number
  /** Extremes since pickup. */
  min: number | null
  max: number | null
  inRange: boolean | null
}

/** One entry of a waybill's trace history, oldest first; Kdniao pushes the whole history every time. */
export interface TraceEntry {
  /** Device time of the scan. */
  at: number
  scanEvent: ScanEvent
  status: CanonicalStatus
  exceptionReason?: ExceptionReason
  /** An in-transit scan at a hub in the consignee's city (Kdniao StateEx 201). */
  arrivingDestinationCity?: boolean
  location: Location | null
  /** Human-readable line shown to buyers; adapters compose one from scan event and location when absent. */
  description?: string
  operator: string | null
  note: string | null
}

interface EventBase {
  /** Stable idempotency key: the same event re-delivered keeps its id (Standard Webhooks `webhook-id`). */
  eventId: string
  /** Gateway time the event was produced (start of the delivery-latency measurement). */
  occurredAt: number
}

/** A scan became a tracking node of a waybill; written back to every order the waybill carries. */
export interface TrackingNodeEvent extends EventBase, Omit<TraceEntry, 'at'> {
  type: 'tracking.node'
  waybill: string
  /** The courier's own code (e.g. `SF`); a target maps it to the platform's code via `carrierCodes`. */
  carrier: string
  orders: OrderRef[]
  /** Device time of the scan. */
  deviceTime: number
  temperature: TemperatureSnapshot | null
  /** Full trace history including this node, oldest first. */
  history: TraceEntry[]
  estimatedDeliveryAt?: number
}

/** The parcel was picked up: platforms that need a shipment confirmation mark the order shipped. */
export interface ShipmentConfirmedEvent extends EventBase {
  type: 'shipment.confirmed'
  waybill: string
  carrier: string
  order: OrderRef
  /** Present when the order ships in several waybills; this waybill carries `subOrderIds`. */
  split?: { subOrderIds: string[] }
}

export interface TrailPoint {
  ts: number
  tempC: number | null
  rh: number | null
}

/** A periodic batch of a waybill's temperature trail. */
export interface TemperatureTrailEvent extends EventBase {
  type: 'temperature.trail'
  waybill: string
  orders: OrderRef[]
  from: number
  to: number
  points: TrailPoint[]
  summary: {
    count: number
    minC: number | null
    maxC: number | null
    meanC: number | null
    /** Mean kinetic temperature (USP <1160>) over the batch. */
    mktC: number | null
    outOfRangeMs: number
    /** Out-of-range budget left for the waybill, when the profile has one. */
    budgetLeftMs: number | null
  }
}

/** An excursion started (after its delay) or ended (after hysteresis). */
export interface ExcursionEvent extends EventBase {
  type: 'excursion.opened' | 'excursion.cleared'
  waybill: string
  orders: OrderRef[]
  excursionId: string
  kind: 'temperature' | 'humidity' | 'data_gap'
  severity: string
  profile: string
  bounds: { low: number | null; high: number | null }
  startedAt: number
  endedAt: number | null
  /** The furthest value from the bounds seen so far. */
  peak: number | null
}

export const dispositions = ['release', 'quarantine', 'reject', 'false_alarm'] as const
export type Disposition = (typeof dispositions)[number]

/** A person acknowledged or closed an alert. */
export interface AlertEvent extends EventBase {
  type: 'alert.acknowledged' | 'alert.resolved'
  alertId: string
  kind: string
  /** The waybill the alert concerns, or null for device-level alerts (sensor offline). */
  waybill: string | null
  orders: OrderRef[]
  by: string
  note: string | null
  /** Set on `alert.resolved`. */
  disposition: Disposition | null
}

export type WritebackEvent =
  | TrackingNodeEvent
  | ShipmentConfirmedEvent
  | TemperatureTrailEvent
  | ExcursionEvent
  | AlertEvent

export type WritebackEventType = WritebackEvent['type']

export const writebackEventTypes = [
  'tracking.node',
  'shipment.confirmed',
  'temperature.trail',
  'excursion.opened',
  'excursion.cleared',
  'alert.acknowledged',
  'alert.resolved',
] as const satisfies readonly WritebackEventType[]

/** The lane the relay keeps in order: the waybill, or the alert for alerts without one. */
export function orderingKey(event: WritebackEvent): string {
  return 'alertId' in event ? (event.waybill ?? `alert:${event.alertId}`) : event.waybill
}

/** Every order an event concerns. */
export function ordersOf(event: WritebackEvent): OrderRef[] {
  return event.type === 'shipment.confirmed' ? [event.order] : event.orders
}

/** One HTTP request, ready to send; the relay adds nothing but the transport. */
export interface OutboundRequest {
  method: 'POST'
  url: string
  headers: Record<string, string>
  body: string
}

/** What came back, as the relay saw it (header names lower-case). */
export interface PlatformReply {
  status: number
  headers: Record<string, string | undefined>
  body: string
}

/**
 * The relay's next step for a row. `retry`: transient (429, 5xx, platform system errors, unreadable replies);
 * `retryAfterMs` is set when the platform said how long to wait. `permanent`: the platform refused this event
 * (bad signature, invalid order); retrying the same bytes cannot succeed, dead-letter it. `disable`: the
 * endpoint is gone (HTTP 410); stop delivering to the target until someone re-enables it.
 */
export type DeliveryOutcome =
  | { result: 'delivered' }
  | { result: 'retry'; reason: string; retryAfterMs?: number }
  | { result: 'permanent'; reason: string }
  | { result: 'disable'; reason: string }

/**
 * One platform's wire format. Pure: no I/O, no clock (`now` is passed in), no state; safe to call again for a
 * retry, which re-signs with a fresh timestamp while the event, and so its id, stays the same.
 */
export interface PlatformAdapter<K extends TargetKind = TargetKind> {
  readonly kind: K
  /** Whether this platform can carry the event at all (see each adapter's header for what it takes). */
  accepts(event: WritebackEvent): boolean
  /**
   * The signed request for one event. Throws UnsupportedEventError when `accepts(event)` is false or the
   * event lacks what the platform requires — a configuration error the relay dead-letters at once.
   */
  buildRequest(event: WritebackEvent, target: Target & { kind: K }, now: number): OutboundRequest
  /** Never throws: a malformed reply is a `retry` or `permanent` outcome with the reason. */
  parseReply(reply: PlatformReply, now: number): DeliveryOutcome
}

/** An event the adapter cannot express; never retriable. */
export class UnsupportedEventError extends Error {
  constructor(
    readonly kind: TargetKind,
    readonly eventType: WritebackEventType,
    detail: string,
  ) {
    super(`${kind} cannot deliver ${eventType}: ${detail}`)
    this.name = 'UnsupportedEventError'
  }
}
