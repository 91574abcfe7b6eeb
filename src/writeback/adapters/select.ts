/** Choosing what a target sends: which event and orders, and the platform's carrier code. */
import type {
  OrderRef,
  SalesPlatform,
  ShipmentConfirmedEvent,
  Target,
  TargetKind,
  WritebackEvent,
} from '../types.js'
import { UnsupportedEventError } from '../types.js'

/** The platform's code for the courier: the target's mapping, else the courier's own code. */
export function carrierCode(target: Target, carrier: string): string {
  return target.carrierCodes[carrier] ?? carrier
}

/** Orders placed on one of `platforms` (any platform when omitted), restricted to the target's merchant. */
export function ordersFor(
  orders: readonly OrderRef[],
  target: Target,
  platforms?: readonly SalesPlatform[],
): OrderRef[] {
  return orders.filter(
    (o) =>
      (platforms === undefined || platforms.includes(o.platform)) &&
      (target.merchantId === undefined || o.merchantId === target.merchantId),
  )
}

/** Whether the event is a shipment confirmation of an order placed on one of `platforms`. */
export function isShipmentOn(event: WritebackEvent, platforms: readonly SalesPlatform[]): boolean {
  return event.type === 'shipment.confirmed' && platforms.includes(event.order.platform)
}

/** Narrows to a shipment confirmation of the right platform, else throws UnsupportedEventError. */
export function shipmentOn(
  event: WritebackEvent,
  kind: TargetKind,
  platforms: readonly SalesPlatform[],
): ShipmentConfirmedEvent {
  if (event.type !== 'shipment.confirmed' || !platforms.includes(event.order.platform)) {
    throw new UnsupportedEventError(
      kind,
      event.type,
      `shipment confirmations of ${platforms.join('/')} orders only`,
    )
  }
  return event
}
