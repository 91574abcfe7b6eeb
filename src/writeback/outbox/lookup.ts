/**
 * What the outbox reads besides the facts themselves: the orders a waybill carries as each platform knows them
 * (OrderRef), a waybill's resolved temperature profile, and the waybill's trace history. Prepared once.
 */
import { NodeStore, type TrackingNode } from '../../custody/nodes.js'
import type { Platform } from '../../orders/schemas.js'
import {
  defaultProfiles,
  type ProfileOverride,
  resolveProfile,
  type TemperatureProfile,
} from '../../rules/profiles.js'
import type { Database } from '../../store/database.js'
import type { OrderRef, SalesPlatform, TraceEntry } from '../types.js'

/**
 * The marketplace behind each order source: Cainiao pushes Taobao/Tmall orders; orders from the aggregator,
 * a shop's own system or keyed in by hand belong to no marketplace the adapters speak to (`other`).
 */
const salesPlatformOf: Record<Platform, SalesPlatform> = {
  taobao: 'taobao',
  cainiao: 'taobao',
  douyin: 'douyin',
  pinduoduo: 'pinduoduo',
  jd: 'jd',
  kdniao: 'other',
  webhook: 'other',
  manual: 'other',
}

interface OrderRow {
  id: string
  platform: Platform
  platform_order_id: string
  merchant: string
}

const toRef = (r: OrderRow): OrderRef => ({
  platform: salesPlatformOf[r.platform] ?? 'other',
  orderId: r.platform_order_id,
  merchantId: r.merchant,
})

export class WritebackLookup {
  private readonly nodes: NodeStore
  private readonly s

  constructor(db: Database) {
    this.nodes = new NodeStore(db)
    this.s = {
      order: db.prepare<[string], OrderRow>(
        'SELECT id, platform, platform_order_id, merchant FROM orders WHERE id = ?',
      ),
      ordersOfWaybill: db.prepare<[string], OrderRow>(
        `SELECT DISTINCT o.id, o.platform, o.platform_order_id, o.merchant
           FROM waybill_items wi JOIN order_items i ON i.id = wi.item_id JOIN orders o ON o.id = i.order_id
          WHERE wi.waybill = ? ORDER BY o.id`,
      ),
      profile: db.prepare<[string], { profile: string; profile_override: string | null }>(
        'SELECT profile, profile_override FROM waybills WHERE no = ?',
      ),
    }
  }

  /** The orders with these gateway ids, in the given order; unknown ids are left out. */
  orders(ids: readonly string[]): OrderRef[] {
    return ids.flatMap((id) => {
      const row = this.s.order.get(id)
      return row ? [toRef(row)] : []
    })
  }

  ordersOfWaybill(waybill: string): OrderRef[] {
    return this.s.ordersOfWaybill.all(waybill).map(toRef)
  }

  /** The waybill's profile with its override, when the profile is one the gateway knows. */
  profileOf(waybill: string): TemperatureProfile | null {
    const row = this.s.profile.get(waybill)
    if (!row) return null
    const base = (defaultProfiles as Record<string, TemperatureProfile>)[row.profile]
    if (!base) return null
    try {
      const override = row.profile_override ? (JSON.parse(row.profile_override) as ProfileOverride) : {}
      return resolveProfile(base, override)
    } catch {
      return base
    }
  }

  /** Every node of the waybill, oldest device time first, as trace entries. */
  history(waybill: string): TraceEntry[] {
    return this.nodes.ofWaybill(waybill).map(traceEntry)
  }

  node(id: number): TrackingNode | null {
    return this.nodes.get(id)
  }
}

export function traceEntry(n: TrackingNode): TraceEntry {
  return {
    at: n.ts,
    scanEvent: n.event,
    status: n.status,
    location: n.location,
    operator: n.operator,
    note: n.note,
  }
}
