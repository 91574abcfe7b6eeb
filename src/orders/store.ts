/**
 * The SQL of orders and waybills: prepared once, one method per statement. Services compose these inside their
 * own transactions; views (with items and waybills) are assembled in `views.ts`.
 */
import type { Database } from '../store/database.js'
import type { WaybillStatus } from './model.js'
import type { Platform, SlaTier } from './schemas.js'

/** A row of `orders`. */
export interface OrderRow {
  id: string
  platform: Platform
  platform_order_id: string
  merchant: string
  profile: string
  profile_override: string | null
  sla_tier: SlaTier
  consignee_region: string
  content_hash: string
  created_at: number
  received_at: number
}

/** A row of `order_items`. */
export interface ItemRow {
  id: number
  order_id: string
  line: number
  sku: string
  name: string
  qty: number
  temp_class: string
}

/** A row of `waybills`. */
export interface WaybillRow {
  no: string
  profile: string
  profile_override: string | null
  profile_reason: string
  sla_tier: SlaTier
  status: WaybillStatus
  created_at: number
  picked_up_at: number | null
  delivered_at: number | null
  cancelled_at: number | null
  cancel_reason: string | null
}

/** One waybill line joined with its order item. */
export interface WaybillItemRow {
  waybill: string
  order_id: string
  item_id: number
  sku: string
  qty: number
}

/** A new waybill, before its items. */
export type NewWaybill = Pick<
  WaybillRow,
  'no' | 'profile' | 'profile_override' | 'profile_reason' | 'sla_tier' | 'created_at'
>

function statements(db: Database) {
  return {
    order: db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE id = ?'),
    byPlatform: db.prepare<[string, string], OrderRow>(
      'SELECT * FROM orders WHERE platform = ? AND platform_order_id = ?',
    ),
    items: db.prepare<[string], ItemRow>('SELECT * FROM order_items WHERE order_id = ? ORDER BY line'),
    waybill: db.prepare<[string], WaybillRow>('SELECT * FROM waybills WHERE no = ?'),
    waybillItems: db.prepare<[string], WaybillItemRow>(
      `SELECT wi.waybill, i.order_id, wi.item_id, i.sku, wi.qty
           FROM waybill_items wi JOIN order_items i ON i.id = wi.item_id
          WHERE wi.waybill = ? ORDER BY i.order_id, i.line`,
    ),
    activeWaybills: db
      .prepare<[string], string>(
        `SELECT DISTINCT w.no FROM waybills w
             JOIN waybill_items wi ON wi.waybill = w.no JOIN order_items i ON i.id = wi.item_id
            WHERE i.order_id = ? AND w.status != 'cancelled' ORDER BY w.no`,
      )
      .pluck(),
    allWaybills: db
      .prepare<[string], string>(
        `SELECT DISTINCT wi.waybill FROM waybill_items wi JOIN order_items i ON i.id = wi.item_id
          WHERE i.order_id = ? ORDER BY wi.waybill`,
      )
      .pluck(),
    ordersOfWaybill: db
      .prepare<[string], string>(
        `SELECT DISTINCT i.order_id FROM waybill_items wi JOIN order_items i ON i.id = wi.item_id
            WHERE wi.waybill = ? ORDER BY i.order_id`,
      )
      .pluck(),
    // Any scan but an exception means the courier has the parcel. Read from the nodes rather than the
    // waybill's status, because scans may have arrived before the order (nodes flagged unknown_waybill).
    moved: db.prepare<[string], { n: number }>(
      `SELECT 1 AS n FROM tracking_nodes WHERE waybill = ? AND event != 'exception' LIMIT 1`,
    ),
    ofMerchant: db
      .prepare<[string], string>(
        `SELECT DISTINCT wi.waybill FROM orders o JOIN order_items i ON i.order_id = o.id
           JOIN waybill_items wi ON wi.item_id = i.id WHERE o.merchant = ?`,
      )
      .pluck(),
    list: db.prepare<[string | null, string | null, string | null, string | null, number], OrderRow>(
      `SELECT * FROM orders WHERE (? IS NULL OR merchant = ?) AND (? IS NULL OR id > ?) ORDER BY id LIMIT ?`,
    ),
    insertOrder: db.prepare(
      `INSERT INTO orders (id, platform, platform_order_id, merchant, profile, profile_override, sla_tier,
                             consignee_region, content_hash, created_at, received_at)
         VALUES (@id, @platform, @platform_order_id, @merchant, @profile, @profile_override, @sla_tier,
                 @consignee_region, @content_hash, @created_at, @received_at)`,
    ),
    insertItem: db.prepare(
      `INSERT INTO order_items (order_id, line, sku, name, qty, temp_class)
         VALUES (@order_id, @line, @sku, @name, @qty, @temp_class)`,
    ),
    insertWaybill: db.prepare(
      `INSERT INTO waybills (no, profile, profile_override, profile_reason, sla_tier, created_at)
         VALUES (@no, @profile, @profile_override, @profile_reason, @sla_tier, @created_at)
         ON CONFLICT (no) DO NOTHING`,
    ),
    clearWaybillItems: db.prepare('DELETE FROM waybill_items WHERE waybill = ?'),
    insertWaybillItem: db.prepare('INSERT INTO waybill_items (waybill, item_id, qty) VALUES (?, ?, ?)'),
    cancel: db.prepare(
      `UPDATE waybills SET status = 'cancelled', cancelled_at = ?, cancel_reason = ? WHERE no = ?`,
    ),
  }
}

export class OrderStore {
  private readonly s: ReturnType<typeof statements>

  constructor(readonly db: Database) {
    this.s = statements(db)
  }

  order(id: string): OrderRow | undefined {
    return this.s.order.get(id)
  }

  orderByPlatform(platform: string, platformOrderId: string): OrderRow | undefined {
    return this.s.byPlatform.get(platform, platformOrderId)
  }

  items(orderId: string): ItemRow[] {
    return this.s.items.all(orderId)
  }

  waybill(no: string): WaybillRow | undefined {
    return this.s.waybill.get(no)
  }

  waybillItems(no: string): WaybillItemRow[] {
    return this.s.waybillItems.all(no)
  }

  /** The waybills carrying the order now (not cancelled), by number. */
  activeWaybills(orderId: string): string[] {
    return this.s.activeWaybills.all(orderId)
  }

  /** Every waybill that ever carried the order, cancelled ones included. */
  allWaybills(orderId: string): string[] {
    return this.s.allWaybills.all(orderId)
  }

  /** The orders a waybill carries (or carried, when it is cancelled). */
  ordersOfWaybill(no: string): string[] {
    return this.s.ordersOfWaybill.all(no)
  }

  /** Whether any movement scan exists for the waybill number. */
  moved(no: string): boolean {
    return this.s.moved.get(no) !== undefined
  }

  /** The waybills that carry or carried an order of the merchant. */
  waybillsOfMerchant(merchant: string): string[] {
    return this.s.ofMerchant.all(merchant)
  }

  /** Orders by id (creation order), after `after`, optionally of one merchant. */
  list(merchant: string | null, after: string | null, limit: number): OrderRow[] {
    return this.s.list.all(merchant, merchant, after, after, limit)
  }

  insertOrder(row: OrderRow): void {
    this.s.insertOrder.run(row)
  }

  insertItem(row: Omit<ItemRow, 'id'>): number {
    return Number(this.s.insertItem.run(row).lastInsertRowid)
  }

  /** Inserts a waybill; false when the number is taken. */
  insertWaybill(row: NewWaybill): boolean {
    return this.s.insertWaybill.run(row).changes === 1
  }

  insertWaybillItem(no: string, itemId: number, qty: number): void {
    this.s.insertWaybillItem.run(no, itemId, qty)
  }

  clearWaybillItems(no: string): void {
    this.s.clearWaybillItems.run(no)
  }

  cancelWaybill(no: string, at: number, reason: string): void {
    this.s.cancel.run(at, reason, no)
  }
}
