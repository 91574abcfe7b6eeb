/**
 * Order intake. Idempotent on (platform, platform order id): a re-post of the same content returns the stored
 * order (`created: false`, 200 at the API, 201 when created); a re-post with other content is a CONFLICT.
 * A new order gets one waybill carrying all its items in the same transaction, so the first scan can follow at
 * once (platforms expect an order to reach the courier within 10 s; this is one local SQLite transaction).
 */
import { z } from 'zod'
import { AppError } from '../errors.js'
import { contentHash } from './canonical.js'
import { newOrderId, newWaybillNo } from './ids.js'
import type { CreateResult, Waybill } from './model.js'
import { type OrderInput, orderInput, type ParsedOrder } from './schemas.js'
import type { OrderStore } from './store.js'
import type { OrderViews } from './views.js'

/** What order intake needs besides the store. */
export interface IntakeOptions {
  clock: () => number
  /** Prefix of generated waybill numbers (the courier's). */
  waybillPrefix: string
  /** Refuses (throws VALIDATION_FAILED) a profile the engine could not evaluate; default: accept any. */
  checkProfile?: (profile: string, override: ParsedOrder['profileOverride']) => void
}

/** Parses an order body; VALIDATION_FAILED names each bad field. */
export function parseOrder(input: unknown): ParsedOrder {
  const parsed = orderInput.safeParse(input)
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', `invalid order: ${z.prettifyError(parsed.error)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    })
  }
  return parsed.data
}

/**
 * What a re-post is compared with: everything the platform states about the order. The creation time and the
 * waybill number are left out: a platform re-sending an order may omit them, and a waybill may have been split.
 */
function orderContent(order: ParsedOrder): unknown {
  const { createdAt: _createdAt, waybillNo: _waybillNo, ...content } = order
  return content
}

/** Creates a waybill carrying the given item quantities; CONFLICT when the number is taken. */
export function insertWaybill(
  store: OrderStore,
  waybill: { no: string; profile: string; override: unknown; reason: string; slaTier: Waybill['slaTier'] },
  lines: { itemId: number; qty: number }[],
  now: number,
): void {
  const inserted = store.insertWaybill({
    no: waybill.no,
    profile: waybill.profile,
    profile_override: waybill.override == null ? null : JSON.stringify(waybill.override),
    profile_reason: waybill.reason,
    sla_tier: waybill.slaTier,
    created_at: now,
  })
  if (!inserted)
    throw new AppError('CONFLICT', `waybill ${waybill.no} exists already`, { reason: 'waybill_exists' })
  for (const line of lines) store.insertWaybillItem(waybill.no, line.itemId, line.qty)
}

/** Creates the order and its waybill, or returns the stored one. Runs in one transaction. */
export function createOrder(
  store: OrderStore,
  views: OrderViews,
  input: OrderInput,
  options: IntakeOptions,
): CreateResult {
  const order = parseOrder(input)
  options.checkProfile?.(order.profile, order.profileOverride)
  const hash = contentHash(orderContent(order))
  return store.db.transaction((): CreateResult => {
    const existing = store.orderByPlatform(order.platform, order.platformOrderId)
    if (existing) {
      if (existing.content_hash !== hash) {
        throw new AppError(
          'CONFLICT',
          `order ${order.platform}/${order.platformOrderId} exists with other content (${existing.id})`,
          { reason: 'order_differs', orderId: existing.id },
        )
      }
      const view = views.toOrder(existing)
      return { created: false, order: view, waybills: views.waybillsOfOrder(view.id) ?? [] }
    }
    const now = options.clock()
    const id = newOrderId(now)
    store.insertOrder({
      id,
      platform: order.platform,
      platform_order_id: order.platformOrderId,
      merchant: order.merchant,
      profile: order.profile,
      profile_override: order.profileOverride ? JSON.stringify(order.profileOverride) : null,
      sla_tier: order.slaTier,
      consignee_region: order.consigneeRegion,
      content_hash: hash,
      created_at: order.createdAt ?? now,
      received_at: now,
    })
    const lines = order.items.map((item, i) => ({
      itemId: store.insertItem({
        order_id: id,
        line: i + 1,
        sku: item.sku,
        name: item.name,
        qty: item.qty,
        temp_class: item.tempClass,
      }),
      qty: item.qty,
    }))
    const no = order.waybillNo ?? newWaybillNo(options.waybillPrefix, now)
    const reason = order.profileOverride
      ? `profile of order ${id} with its override`
      : `profile of order ${id}`
    insertWaybill(
      store,
      { no, profile: order.profile, override: order.profileOverride, reason, slaTier: order.slaTier },
      lines,
      now,
    )
    const view = views.getOrder(id) as NonNullable<ReturnType<OrderViews['getOrder']>>
    return { created: true, order: view, waybills: views.waybillsOfOrder(id) ?? [] }
  })()
}
