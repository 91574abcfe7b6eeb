/**
 * Splitting an order into several waybills. Every item quantity must be shipped exactly once across the new
 * waybills: an item named twice in one waybill, a quantity shipped more than once (sum above the ordered
 * quantity) or not at all (sum below it) is refused, as is a split once the order's waybill was picked up.
 */
import { z } from 'zod'
import { AppError } from '../errors.js'
import { type IntakeOptions, insertWaybill } from './create.js'
import { newWaybillNo } from './ids.js'
import type { RegroupResult, Scope } from './model.js'
import { cancelWaybills, replaceableWaybills } from './regroup.js'
import { type SplitInput, splitInput } from './schemas.js'
import type { OrderStore } from './store.js'
import type { OrderViews } from './views.js'

function invalid(reason: string, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('VALIDATION_FAILED', message, { reason, ...details })
}

/** Checks the quantities; returns, per part, the item ids and quantities it carries. */
function allocate(
  items: { id: number; sku: string; qty: number }[],
  parts: z.output<typeof splitInput>['waybills'],
): { itemId: number; qty: number }[][] {
  const bySku = new Map(items.map((item) => [item.sku, item]))
  const shipped = new Map<string, number>()
  const lines = parts.map((part, p) => {
    const inPart = new Set<string>()
    return part.items.map(({ sku, qty }) => {
      const item = bySku.get(sku)
      if (!item)
        throw invalid('unknown_item', `waybill ${p + 1} names SKU ${sku}, which the order does not have`)
      if (inPart.has(sku)) {
        throw invalid(
          'duplicate_item',
          `waybill ${p + 1} lists SKU ${sku} twice; give one line with the quantity`,
        )
      }
      inPart.add(sku)
      shipped.set(sku, (shipped.get(sku) ?? 0) + qty)
      return { itemId: item.id, qty }
    })
  })
  for (const item of items) {
    const total = shipped.get(item.sku) ?? 0
    if (total > item.qty) {
      throw invalid(
        'item_shipped_twice',
        `SKU ${item.sku}: ${total} shipped across waybills, ${item.qty} ordered`,
        {
          sku: item.sku,
          ordered: item.qty,
          shipped: total,
        },
      )
    }
    if (total < item.qty) {
      throw invalid(
        'qty_mismatch',
        `SKU ${item.sku}: ${total} shipped across waybills, ${item.qty} ordered`,
        {
          sku: item.sku,
          ordered: item.qty,
          shipped: total,
        },
      )
    }
  }
  return lines
}

/** Replaces the order's waybill(s) with one waybill per part. Runs in one transaction. */
export function splitOrder(
  store: OrderStore,
  views: OrderViews,
  orderId: string,
  input: SplitInput,
  options: IntakeOptions,
  scope?: Scope,
): RegroupResult {
  const parsed = splitInput.safeParse(input)
  if (!parsed.success) throw invalid('schema', `invalid split: ${z.prettifyError(parsed.error)}`)
  const parts = parsed.data.waybills
  return store.db.transaction((): RegroupResult => {
    const order = views.getOrder(orderId, scope)
    if (!order) throw new AppError('NOT_FOUND', `no order ${orderId}`)
    const lines = allocate(order.items, parts)
    const replaced = replaceableWaybills(store, [order.id], 'split')
    const now = options.clock()
    const numbers = parts.map((part) => part.waybillNo ?? newWaybillNo(options.waybillPrefix, now))
    if (new Set(numbers).size !== numbers.length)
      throw invalid('duplicate_waybill', 'two parts name the same waybill')
    // A part may keep the number of a waybill it replaces (its label is printed already): that waybill stays
    // and only its lines change.
    const kept = new Set(numbers.filter((no) => replaced.includes(no)))
    const cancelled = replaced.filter((no) => !kept.has(no))
    cancelWaybills(store, cancelled, `split into ${numbers.join(', ')}`, now)
    const reason = order.profileOverride
      ? `profile of order ${order.id} with its override (split)`
      : `profile of order ${order.id} (split)`
    numbers.forEach((no, i) => {
      const part = lines[i] ?? []
      if (kept.has(no)) {
        store.clearWaybillItems(no)
        for (const line of part) store.insertWaybillItem(no, line.itemId, line.qty)
        return
      }
      const waybill = {
        no,
        profile: order.profile,
        override: order.profileOverride,
        reason,
        slaTier: order.slaTier,
      }
      insertWaybill(store, waybill, part, now)
    })
    return { waybills: numbers.map((no) => views.getWaybill(no)).filter((w) => w !== null), cancelled }
  })()
}
