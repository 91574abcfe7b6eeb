/**
 * Input schemas of orders, splits and merges. They are the HTTP boundary's schemas too (STYLE rule 7): the
 * orders routes reuse them as request bodies, so the types below are inferred, never written twice.
 */
import { z } from 'zod'
import { severityBandSchema } from '../rules/profiles.js'

/**
 * Where an order comes from. `taobao` covers Tmall too (tracking reaches it through Cainiao, which is listed
 * for orders Cainiao pushes itself); `kdniao` is the aggregator; `webhook` is any other shop system posting
 * through the generic API; `manual` an order keyed in by operations staff.
 */
export const platforms = [
  'taobao',
  'cainiao',
  'douyin',
  'pinduoduo',
  'jd',
  'kdniao',
  'webhook',
  'manual',
] as const
export type Platform = (typeof platforms)[number]

/** How fast the order must arrive; a merged waybill takes the fastest tier of its orders. */
export const slaTiers = ['same_day', 'next_day', 'standard'] as const
export type SlaTier = (typeof slaTiers)[number]

/**
 * Temperature profile names known at build time (specs/cold-chain.md). An order may name any profile: names
 * are checked against the profile store when the excursion engine resolves them, so profiles added through the
 * API are accepted too.
 */
export const knownProfileNames = [
  'frozen',
  'chilled',
  'fresh_meat',
  'pharma_2_8',
  'controlled_ambient',
] as const

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/

/** A waybill number: printed on labels and used in MQTT payloads, so no spaces or slashes. */
export const waybillNo = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-", at most 64')

/** An epoch-ms integer or an ISO-8601 date-time with a zone, read as epoch ms. */
export const instantInput = z.union([
  z.number().int().min(0),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
])

export const orderItemInput = z.strictObject({
  sku: z.string().min(1).max(128),
  name: z.string().min(1).max(500),
  qty: z.number().int().min(1).max(1_000_000),
  /** The item's own temperature class (e.g. `frozen`); informative, the order's profile is what is enforced. */
  tempClass: z.string().min(1).max(64),
})

/** Humidity fields of an override: only what the merchant states (no defaults, they would hide the base's). */
const humidityOverrideInput = z.strictObject({
  lowPct: z.number().min(0).max(100).optional(),
  highPct: z.number().min(0).max(100).optional(),
  delayMs: z.number().int().min(0).optional(),
  hysteresisPct: z.number().min(0).optional(),
  severityBands: z.array(severityBandSchema).optional(),
})

/** A per-order override of the profile (see `ProfileOverride` in src/rules/profiles.ts); stored as JSON. */
export const profileOverrideInput = z.strictObject({
  lowC: z.number().nullable().optional(),
  highC: z.number().optional(),
  alarmDelayMs: z.number().int().min(0).optional(),
  clearHysteresisC: z.number().min(0).optional(),
  cumulativeBudgetMs: z.number().int().min(0).nullable().optional(),
  maxGapMs: z.number().int().min(1).optional(),
  humidity: humidityOverrideInput.nullable().optional(),
  severityBands: z.array(severityBandSchema).optional(),
})

export const orderInput = z
  .strictObject({
    platform: z.enum(platforms),
    platformOrderId: z.string().regex(ID, 'letters, digits, "." "_" ":" or "-", at most 128'),
    merchant: z.string().min(1).max(128),
    items: z.array(orderItemInput).min(1).max(500),
    profile: z.string().min(1).max(64),
    profileOverride: profileOverrideInput.optional(),
    slaTier: z.enum(slaTiers),
    consigneeRegion: z.string().min(1).max(64),
    /** The platform's creation time; the receive time when absent. */
    createdAt: instantInput.optional(),
    /** The waybill number the courier assigned; generated (courier prefix + time-sortable id) when absent. */
    waybillNo: waybillNo.optional(),
  })
  .superRefine((order, ctx) => {
    const seen = new Set<string>()
    order.items.forEach((item, i) => {
      // Splits name items by SKU, so a SKU is one line of the order.
      if (seen.has(item.sku)) {
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'sku'],
          message: `SKU ${item.sku} is listed twice`,
        })
      }
      seen.add(item.sku)
    })
  })
export type OrderInput = z.input<typeof orderInput>
export type ParsedOrder = z.output<typeof orderInput>

/** One waybill of a split: the items (by SKU) and quantities it carries. */
export const splitPartInput = z.strictObject({
  waybillNo: waybillNo.optional(),
  items: z
    .array(z.strictObject({ sku: z.string().min(1).max(128), qty: z.number().int().min(1) }))
    .min(1)
    .max(500),
})

export const splitInput = z.strictObject({
  waybills: z.array(splitPartInput).min(2).max(100),
})
export type SplitInput = z.input<typeof splitInput>

export const mergeInput = z.strictObject({
  orderIds: z.array(z.string().min(1).max(128)).min(2).max(100),
  waybillNo: waybillNo.optional(),
})
export type MergeInput = z.input<typeof mergeInput>
