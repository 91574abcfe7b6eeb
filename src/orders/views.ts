/**
 * Merchant-scoped reads of orders and waybills. A merchant scope sees only its own orders, and a waybill only
 * when it carries one of them; anything else reads as absent (NOT_FOUND at the API, never FORBIDDEN, so that
 * ids of other merchants cannot be probed).
 */
import type { ProfileOverride } from '../rules/profiles.js'
import type { Order, Scope, Waybill } from './model.js'
import type { OrderRow, OrderStore, WaybillRow } from './store.js'

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T)
}

function visible(scope: Scope | undefined, merchant: string): boolean {
  return scope?.merchant == null || scope.merchant === merchant
}

/** A page of orders; `next` is the id to pass as `after` for the following page. */
export interface OrderPage {
  items: Order[]
  next: string | null
}

/** Reads orders and waybills as views, within a scope. */
export class OrderViews {
  constructor(private readonly store: OrderStore) {}

  toOrder(row: OrderRow): Order {
    return {
      id: row.id,
      platform: row.platform,
      platformOrderId: row.platform_order_id,
      merchant: row.merchant,
      items: this.store.items(row.id).map((i) => ({
        id: i.id,
        line: i.line,
        sku: i.sku,
        name: i.name,
        qty: i.qty,
        tempClass: i.temp_class,
      })),
      profile: row.profile,
      profileOverride: parseJson<ProfileOverride>(row.profile_override),
      slaTier: row.sla_tier,
      consigneeRegion: row.consignee_region,
      createdAt: row.created_at,
      receivedAt: row.received_at,
      waybills: this.store.activeWaybills(row.id),
    }
  }

  toWaybill(row: WaybillRow): Waybill {
    return {
      no: row.no,
      profile: row.profile,
      profileOverride: parseJson<ProfileOverride>(row.profile_override),
      profileReason: row.profile_reason,
      slaTier: row.sla_tier,
      status: row.status,
      createdAt: row.created_at,
      pickedUpAt: row.picked_up_at,
      deliveredAt: row.delivered_at,
      cancelledAt: row.cancelled_at,
      cancelReason: row.cancel_reason,
      orders: this.store.ordersOfWaybill(row.no),
      items: this.store
        .waybillItems(row.no)
        .map((i) => ({ orderId: i.order_id, itemId: i.item_id, sku: i.sku, qty: i.qty })),
    }
  }

  getOrder(id: string, scope?: Scope): Order | null {
    const row = this.store.order(id)
    return row && visible(scope, row.merchant) ? this.toOrder(row) : null
  }

  getOrderByPlatform(platform: string, platformOrderId: string, scope?: Scope): Order | null {
    const row = this.store.orderByPlatform(platform, platformOrderId)
    return row && visible(scope, row.merchant) ? this.toOrder(row) : null
  }

  /** Orders in creation order, `limit` at a time after `after`; a merchant scope lists only its own. */
  listOrders(options: { after?: string; limit: number }, scope?: Scope): OrderPage {
    const rows = this.store.list(scope?.merchant ?? null, options.after ?? null, options.limit + 1)
    const page = rows.slice(0, options.limit)
    return {
      items: page.map((row) => this.toOrder(row)),
      next: rows.length > options.limit ? (page.at(-1)?.id ?? null) : null,
    }
  }

  /** A waybill, visible to a merchant when it carries one of the merchant's orders. */
  getWaybill(no: string, scope?: Scope): Waybill | null {
    const row = this.store.waybill(no)
    if (!row) return null
    const waybill = this.toWaybill(row)
    if (scope?.merchant == null) return waybill
    const merchants = waybill.orders.map((id) => this.store.order(id)?.merchant)
    return merchants.includes(scope.merchant) ? waybill : null
  }

  /** The waybills an order is (or was, with `includeCancelled`) carried by. */
  waybillsOfOrder(orderId: string, scope?: Scope, includeCancelled = false): Waybill[] | null {
    const order = this.getOrder(orderId, scope)
    if (!order) return null
    const numbers = includeCancelled ? this.store.allWaybills(orderId) : order.waybills
    return numbers.flatMap((no) => {
      const row = this.store.waybill(no)
      return row ? [this.toWaybill(row)] : []
    })
  }
}
