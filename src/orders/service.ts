/**
 * The orders service: intake (single and bulk), split, merge and merchant-scoped reads. The HTTP routes call
 * this; it knows nothing of HTTP beyond the error codes.
 */
import type { Database } from '../store/database.js'
import { type BulkResult, bulkCreate, parseNdjson } from './bulk.js'
import { createOrder, type IntakeOptions } from './create.js'
import { mergeOrders } from './merge.js'
import type { CreateResult, Order, RegroupResult, Scope, Waybill } from './model.js'
import type { MergeInput, OrderInput, SplitInput } from './schemas.js'
import { splitOrder } from './split.js'
import { OrderStore } from './store.js'
import { defaultProfileLookup, type ProfileLookup } from './strictness.js'
import { type OrderPage, OrderViews } from './views.js'

/** Options of the orders service; every field has a default. */
export interface OrderServiceOptions {
  clock?: () => number
  /** Prefix of generated waybill numbers. Default `CC`. */
  waybillPrefix?: string
  /** Finds profiles by name, to pick the strictest for a merge. Default: the built-in profiles. */
  profiles?: ProfileLookup
  /** Orders per bulk request. Default 5000. */
  maxBulkItems?: number
  /** Refuses an order whose profile cannot be evaluated (unknown name, bad override). Default: accepts any. */
  checkProfile?: IntakeOptions['checkProfile']
}

export class OrderService {
  private readonly store: OrderStore
  private readonly views: OrderViews
  private readonly options: Required<Omit<OrderServiceOptions, 'checkProfile'>> &
    Pick<OrderServiceOptions, 'checkProfile'>

  constructor(db: Database, options: OrderServiceOptions = {}) {
    this.store = new OrderStore(db)
    this.views = new OrderViews(this.store)
    this.options = {
      clock: options.clock ?? Date.now,
      waybillPrefix: options.waybillPrefix ?? 'CC',
      profiles: options.profiles ?? defaultProfileLookup,
      maxBulkItems: options.maxBulkItems ?? 5000,
      checkProfile: options.checkProfile,
    }
  }

  /** Creates an order with one waybill for all its items, or returns the same order posted before. */
  create(input: OrderInput | unknown): CreateResult {
    return createOrder(this.store, this.views, input as OrderInput, this.options)
  }

  /** Creates each order of an array; per-order results, one bad order does not sink the others. */
  createMany(inputs: readonly unknown[]): BulkResult[] {
    return bulkCreate(
      this.store.db,
      (input) => this.create(input),
      inputs.map((value) => ({ value })),
      this.options.maxBulkItems,
    )
  }

  /** Like `createMany`, from NDJSON text; results carry the line number. */
  createFromNdjson(text: string): BulkResult[] {
    return bulkCreate(
      this.store.db,
      (input) => this.create(input),
      parseNdjson(text),
      this.options.maxBulkItems,
    )
  }

  /** Replaces the order's waybill(s) with one per part; refused once picked up or if quantities do not add up. */
  split(orderId: string, input: SplitInput, scope?: Scope): RegroupResult {
    return splitOrder(this.store, this.views, orderId, input, this.options, scope)
  }

  /** One new waybill for several orders, under the strictest of their profiles. */
  merge(input: MergeInput, scope?: Scope): RegroupResult {
    return mergeOrders(this.store, this.views, input, this.options, scope)
  }

  getOrder(id: string, scope?: Scope): Order | null {
    return this.views.getOrder(id, scope)
  }

  getOrderByPlatform(platform: string, platformOrderId: string, scope?: Scope): Order | null {
    return this.views.getOrderByPlatform(platform, platformOrderId, scope)
  }

  listOrders(options: { after?: string; limit: number }, scope?: Scope): OrderPage {
    return this.views.listOrders(options, scope)
  }

  getWaybill(no: string, scope?: Scope): Waybill | null {
    return this.views.getWaybill(no, scope)
  }

  /** Every waybill that carries or carried an order of the merchant (scopes merchant tokens' alerts and events). */
  waybillsOfMerchant(merchant: string): string[] {
    return this.store.waybillsOfMerchant(merchant)
  }

  /** The order's current waybills (with `includeCancelled`, those it had before a split or merge too). */
  waybillsOfOrder(orderId: string, scope?: Scope, includeCancelled = false): Waybill[] | null {
    return this.views.waybillsOfOrder(orderId, scope, includeCancelled)
  }
}
