/**
 * What splits and merges share: the waybills an operation replaces must still be at the merchant (no movement
 * scan yet) and carry only the orders being regrouped; they are then cancelled, keeping their items as history.
 */
import { AppError } from '../errors.js'
import type { OrderStore } from './store.js'

/** The waybills now carrying these orders, after checking that they may be replaced. */
export function replaceableWaybills(
  store: OrderStore,
  orderIds: string[],
  what: 'split' | 'merge',
): string[] {
  const allowed = new Set(orderIds)
  const numbers = [...new Set(orderIds.flatMap((id) => store.activeWaybills(id)))].sort()
  for (const no of numbers) {
    // Requirement: refuse once the parcel has been picked up — its label is on a moving parcel.
    if (store.moved(no)) {
      throw new AppError('CONFLICT', `waybill ${no} has been picked up; it can no longer be ${what}d`, {
        reason: 'picked_up',
        waybill: no,
      })
    }
    const strangers = store.ordersOfWaybill(no).filter((id) => !allowed.has(id))
    if (strangers.length > 0) {
      throw new AppError(
        'CONFLICT',
        `waybill ${no} also carries ${strangers.join(', ')}; ${what} those too`,
        {
          reason: 'carries_other_orders',
          waybill: no,
          orders: strangers,
        },
      )
    }
  }
  return numbers
}

/** Cancels replaced waybills with the reason, e.g. "split into A, B". */
export function cancelWaybills(store: OrderStore, numbers: string[], reason: string, now: number): void {
  for (const no of numbers) store.cancelWaybill(no, now, reason)
}
