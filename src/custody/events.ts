/**
 * Facts the custody step reports after its commit (`ctx.events`), for the server-sent event stream, the
 * writeback outbox and the excursion engine.
 */
import type { WaybillStatus } from '../orders/model.js'
import type { TrackingNode } from './nodes.js'

export type CustodyEvent =
  /** A scan became a node of its waybill; `orders` are the orders it is written back to. */
  | { type: 'node.created'; waybill: string; orders: string[]; node: TrackingNode }
  /** A later-placed scan changed whether an earlier node contradicts custody. */
  | { type: 'node.flagged'; waybill: string; nodeId: number; contradictsCustody: string | null }
  | { type: 'waybill.status'; waybill: string; status: WaybillStatus; previous: WaybillStatus }
  /**
   * Custody changed from `since` (device time): readings from then on may apply to other waybills. For each
   * container whose intervals changed, the waybills inside it changed too.
   */
  | {
      type: 'custody.changed'
      waybill: string
      since: number
      containers: { container: string; since: number }[]
    }
