/** Orders and waybills as the domain and the API see them. Times are epoch ms. */
import type { ProfileOverride } from '../rules/profiles.js'
import type { Platform, SlaTier } from './schemas.js'

/** One line of an order. `id` is what waybills refer to. */
export interface OrderItem {
  id: number
  line: number
  sku: string
  name: string
  qty: number
  tempClass: string
}

/** An order from a platform, with the waybills that currently carry it (cancelled ones left out). */
export interface Order {
  id: string
  platform: Platform
  platformOrderId: string
  merchant: string
  items: OrderItem[]
  profile: string
  profileOverride: ProfileOverride | null
  slaTier: SlaTier
  consigneeRegion: string
  createdAt: number
  receivedAt: number
  waybills: string[]
}

/** The lifecycle of a waybill: the canonical tracking status of its latest node, or created / cancelled. */
export const waybillStatuses = [
  'created',
  'picked_up',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
  'cancelled',
] as const
export type WaybillStatus = (typeof waybillStatuses)[number]

/** A quantity of one order item carried by a waybill. */
export interface WaybillItem {
  orderId: string
  itemId: number
  sku: string
  qty: number
}

/** The parcel the courier moves; it maps to its orders through its items. */
export interface Waybill {
  no: string
  /** The profile that applies; for a merge, the strictest of the orders' (see `profileReason`). */
  profile: string
  /** Limits applied over `profile`, if any (an order's override, or the intersection of a merge). */
  profileOverride: ProfileOverride | null
  profileReason: string
  slaTier: SlaTier
  status: WaybillStatus
  createdAt: number
  pickedUpAt: number | null
  deliveredAt: number | null
  cancelledAt: number | null
  cancelReason: string | null
  orders: string[]
  items: WaybillItem[]
}

/** What creating an order did: `created` is false when the same order had been posted before. */
export interface CreateResult {
  created: boolean
  order: Order
  waybills: Waybill[]
}

/** What a split or a merge did: the waybills now carrying the goods, and those it cancelled. */
export interface RegroupResult {
  waybills: Waybill[]
  cancelled: string[]
}

/** Restricts reads to one merchant's orders; absent or `merchant: null` sees everything (admin, ops). */
export interface Scope {
  merchant?: string | null
}
