/**
 * Merging several orders into one waybill (one parcel for one consignee). Refused when an order's waybill was
 * picked up, when the orders belong to different merchants (every merchant of a waybill would see the others'
 * trail), or when no profile satisfies them all; otherwise the strictest profile applies (`strictness.ts`) and
 * the fastest SLA tier. The merged waybill is new; the orders' previous waybills are cancelled.
 */
import { z } from 'zod'
import { AppError } from '../errors.js'
import { type IntakeOptions, insertWaybill } from './create.js'
import { newWaybillNo } from './ids.js'
import type { Order, RegroupResult, Scope } from './model.js'
import { cancelWaybills, replaceableWaybills } from './regroup.js'
import { type MergeInput, mergeInput, type SlaTier, slaTiers } from './schemas.js'
import type { OrderStore } from './store.js'
import { type ProfileLookup, strictestProfile } from './strictness.js'
import type { OrderViews } from './views.js'

function fastestTier(orders: Order[]): SlaTier {
  const rank = Math.min(...orders.map((o) => slaTiers.indexOf(o.slaTier)))
  return slaTiers[rank] ?? 'standard'
}

/** Creates one waybill carrying every item of the orders. Runs in one transaction. */
export function mergeOrders(
  store: OrderStore,
  views: OrderViews,
  input: MergeInput,
  options: IntakeOptions & { profiles: ProfileLookup },
  scope?: Scope,
): RegroupResult {
  const parsed = mergeInput.safeParse(input)
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', `invalid merge: ${z.prettifyError(parsed.error)}`, {
      reason: 'schema',
    })
  }
  const ids = parsed.data.orderIds
  if (new Set(ids).size !== ids.length) {
    throw new AppError('VALIDATION_FAILED', 'an order is named twice', { reason: 'duplicate_order' })
  }
  return store.db.transaction((): RegroupResult => {
    const orders = ids.map((id) => {
      const order = views.getOrder(id, scope)
      if (!order) throw new AppError('NOT_FOUND', `no order ${id}`)
      return order
    })
    const merchants = [...new Set(orders.map((o) => o.merchant))]
    if (merchants.length > 1) {
      throw new AppError(
        'VALIDATION_FAILED',
        `orders of different merchants (${merchants.join(', ')}) are not merged`,
        {
          reason: 'different_merchants',
        },
      )
    }
    const replaced = replaceableWaybills(store, ids, 'merge')
    const choice = strictestProfile(
      orders.map((o) => ({ orderId: o.id, profile: o.profile, override: o.profileOverride })),
      options.profiles,
    )
    const now = options.clock()
    const no = parsed.data.waybillNo ?? newWaybillNo(options.waybillPrefix, now)
    cancelWaybills(store, replaced, `merged into ${no}`, now)
    const lines = orders.flatMap((o) => o.items.map((item) => ({ itemId: item.id, qty: item.qty })))
    const waybill = {
      no,
      profile: choice.profile,
      override: choice.override,
      reason: choice.reason,
      slaTier: fastestTier(orders),
    }
    insertWaybill(store, waybill, lines, now)
    const created = views.getWaybill(no)
    return { waybills: created ? [created] : [], cancelled: replaced }
  })()
}
