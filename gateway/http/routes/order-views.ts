/**
 * Reply schemas and views shared by the orders, waybills, profiles and trail routes: orders, waybills,
 * tracking nodes with their hand-over snapshots, temperature profiles. Times go out as ISO-8601 (device time
 * where the field says so), like everywhere in the API. Also the scope of a token: merchants see their own.
 */
import { z } from 'zod'
import type { Principal } from '../../../src/auth/tokens.js'
import type { TrackingNode } from '../../../src/custody/nodes.js'
import { canonicalStatuses } from '../../../src/custody/status.js'
import { AppError } from '../../../src/errors.js'
import { scanEvents } from '../../../src/model.js'
import type { StoredProfile } from '../../../src/monitoring/profile-store.js'
import { type Order, type Scope, type Waybill, waybillStatuses } from '../../../src/orders/model.js'
import { platforms, profileOverrideInput, slaTiers } from '../../../src/orders/schemas.js'
import type { TemperatureProfile } from '../../../src/rules/index.js'
import { iso, isoTime } from '../schemas.js'

export const when = (ms: number | null): string | null => (ms === null ? null : iso(ms))

/** What a token may read: admin and ops everything, a merchant token its own orders only. */
export function scopeOf(principal: Principal | null): Scope {
  if (principal?.role !== 'merchant') return {}
  if (principal.merchant === null) throw new AppError('FORBIDDEN', 'this merchant token names no merchant')
  return { merchant: principal.merchant }
}

const override = profileOverrideInput.nullable().describe('Limits applied over the profile')

export const order = z
  .object({
    id: z.string(),
    platform: z.enum(platforms),
    platformOrderId: z.string(),
    merchant: z.string(),
    items: z.array(
      z.object({
        id: z.number().int(),
        line: z.number().int(),
        sku: z.string(),
        name: z.string(),
        qty: z.number().int(),
        tempClass: z.string(),
      }),
    ),
    profile: z.string(),
    profileOverride: override,
    slaTier: z.enum(slaTiers),
    consigneeRegion: z.string(),
    createdAt: isoTime.describe("The platform's creation time"),
    receivedAt: isoTime,
    waybills: z.array(z.string()).describe('The waybills carrying it now'),
  })
  .meta({ id: 'Order' })

export const waybill = z
  .object({
    no: z.string(),
    profile: z.string(),
    profileOverride: override,
    profileReason: z.string().describe('Why this profile applies (for a merge: the strictest)'),
    slaTier: z.enum(slaTiers),
    status: z.enum(waybillStatuses),
    createdAt: isoTime,
    pickedUpAt: isoTime.nullable().describe('Device time of the first movement scan'),
    deliveredAt: isoTime.nullable(),
    cancelledAt: isoTime.nullable(),
    cancelReason: z.string().nullable(),
    orders: z.array(z.string()),
    items: z.array(
      z.object({ orderId: z.string(), itemId: z.number().int(), sku: z.string(), qty: z.number().int() }),
    ),
  })
  .meta({ id: 'Waybill' })

export const snapshot = z
  .object({
    at: isoTime.nullable().describe('Device time of the reading; null: no reading of that moment (unknown)'),
    tempC: z.number().nullable(),
    minC: z.number().nullable().describe('Lowest since custody began'),
    maxC: z.number().nullable(),
    inRange: z.boolean().nullable(),
    sensorId: z.string().nullable(),
    container: z.string().nullable(),
    profile: z.string().nullable(),
  })
  .meta({ id: 'TemperatureSnapshot', description: 'The hand-over record of a node (GB 31605)' })

export const node = z
  .object({
    id: z.number().int(),
    waybill: z.string(),
    deviceId: z.string(),
    seq: z.number().int(),
    event: z.enum(scanEvents),
    status: z.enum(canonicalStatuses),
    ts: isoTime.describe('Device time of the scan'),
    receivedAt: isoTime,
    container: z.string().nullable(),
    location: z
      .object({ name: z.string().nullable(), lat: z.number().nullable(), lon: z.number().nullable() })
      .nullable(),
    operator: z.string().nullable(),
    note: z.string().nullable(),
    flags: z.object({
      unknownWaybill: z.boolean(),
      late: z.boolean(),
      contradictsCustody: z.string().nullable(),
    }),
    temperatureSnapshot: snapshot.nullable(),
  })
  .meta({ id: 'TrackingNode' })

export const waybillWithNodes = waybill.extend({ nodes: z.array(node) }).meta({ id: 'WaybillWithNodes' })

export const regroupResult = z.object({
  waybills: z.array(waybill).describe('The waybills now carrying the goods'),
  cancelled: z.array(z.string()).describe('The waybills they replaced'),
})

export function orderView(o: Order) {
  return { ...o, createdAt: iso(o.createdAt), receivedAt: iso(o.receivedAt) }
}

export function waybillView(w: Waybill) {
  return {
    ...w,
    createdAt: iso(w.createdAt),
    pickedUpAt: when(w.pickedUpAt),
    deliveredAt: when(w.deliveredAt),
    cancelledAt: when(w.cancelledAt),
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

function snapshotView(raw: unknown): z.input<typeof snapshot> | null {
  if (typeof raw !== 'object' || raw === null) return null
  const r = raw as Record<string, unknown>
  return {
    at: when(num(r['at'])),
    tempC: num(r['tempC']),
    minC: num(r['minC']),
    maxC: num(r['maxC']),
    inRange: typeof r['inRange'] === 'boolean' ? r['inRange'] : null,
    sensorId: str(r['sensorId']),
    container: str(r['container']),
    profile: str(r['profile']),
  }
}

export function nodeView(n: TrackingNode) {
  return {
    ...n,
    ts: iso(n.ts),
    receivedAt: iso(n.receivedAt),
    temperatureSnapshot: snapshotView(n.temperatureSnapshot),
  }
}

const band = z.object({
  severity: z.enum(['major', 'critical']),
  minDeviation: z.number().optional().describe('Peak distance beyond the bound'),
  minDurationMs: z.number().int().optional(),
})

const profileFields = {
  lowC: z.number().nullable().describe('Lower bound, °C (inclusive); null: none'),
  highC: z.number().describe('Upper bound, °C (inclusive)'),
  alarmDelayMs: z.number().int().min(0).describe('Out of range this long before an excursion opens'),
  clearHysteresisC: z.number().min(0).describe('Back inside by this much to clear'),
  cumulativeBudgetMs: z.number().int().min(0).nullable().describe('Out-of-range time allowed per waybill'),
  maxGapMs: z.number().int().min(1).describe('Readings further apart leave the interval unknown'),
  severityBands: z.array(band),
}

export const profile = z
  .object({
    name: z.string(),
    ...profileFields,
    humidity: z
      .object({
        lowPct: z.number(),
        highPct: z.number(),
        delayMs: z.number().int(),
        hysteresisPct: z.number(),
        severityBands: z.array(band),
      })
      .optional(),
  })
  .meta({ id: 'TemperatureProfile' })

/** A profile as PUT: every field but the name (the path's), humidity timings optional (defaults apply). */
export const profileBody = z.strictObject({
  name: z.string().optional().describe('Ignored: the path names the profile'),
  ...profileFields,
  humidity: z
    .strictObject({
      lowPct: z.number().min(0).max(100),
      highPct: z.number().min(0).max(100),
      delayMs: z.number().int().min(0).optional(),
      hysteresisPct: z.number().min(0).optional(),
      severityBands: z.array(band).optional(),
    })
    .optional(),
})

export const profileEntry = z
  .object({
    name: z.string(),
    source: z.enum(['default', 'edited', 'custom']).describe('As shipped, a default edited, or added'),
    updatedAt: isoTime.nullable(),
    updatedBy: z.string().nullable(),
    profile,
  })
  .meta({ id: 'ProfileEntry' })

export function profileEntryView(e: StoredProfile) {
  const p: TemperatureProfile = e.profile
  return { name: p.name, source: e.source, updatedAt: when(e.updatedAt), updatedBy: e.updatedBy, profile: p }
}
