/**
 * Temperature profiles: the bounds and timings the excursion engine evaluates a waybill against.
 * The five defaults follow `specs/cold-chain.md` ("Temperature classes"); merchants override per order through
 * `resolveProfile`, which validates the merged result. All durations are milliseconds of device time.
 */
import { z } from 'zod'
import { AppError } from '../errors.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

export const severities = ['minor', 'major', 'critical'] as const
export type Severity = (typeof severities)[number]

const duration = z.number().int().min(0)

/**
 * A severity band: an excursion reaches `severity` when every criterion the band names is met. List two bands
 * of the same severity for "either/or". An excursion that meets no band is `minor`.
 */
export const severityBandSchema = z
  .object({
    severity: z.enum(['major', 'critical']),
    /** Peak distance beyond the crossed bound (°C for temperature, %RH for humidity). */
    minDeviation: z.number().min(0).optional(),
    /** Duration of the excursion, start to end (or to the newest reading while it is open). */
    minDurationMs: duration.optional(),
  })
  .refine((b) => b.minDeviation !== undefined || b.minDurationMs !== undefined, {
    message: 'a severity band needs minDeviation or minDurationMs',
  })
export type SeverityBand = z.infer<typeof severityBandSchema>

/** Optional humidity bounds, evaluated with the same machinery as temperature (no cumulative budget). */
export const humidityBoundsSchema = z.object({
  lowPct: z.number().min(0).max(100),
  highPct: z.number().min(0).max(100),
  // Humidity recovers slowly after a door opening; 30 min keeps hand-overs from raising humidity alarms.
  delayMs: duration.default(30 * MINUTE),
  // 2 %RH: typical capacitive RH sensor accuracy, so sensor noise cannot flap the alarm.
  hysteresisPct: z.number().min(0).default(2),
  // Humidity excursions are minor unless they last; deviations are in %RH.
  severityBands: z.array(severityBandSchema).default([{ severity: 'major', minDurationMs: 2 * HOUR }]),
})
export type HumidityBounds = z.infer<typeof humidityBoundsSchema>

/** A temperature profile (architecture: "Temperature profile"). */
export const temperatureProfileSchema = z
  .object({
    name: z.string().min(1),
    /** Lower bound in °C; null means none (frozen goods: colder is always fine). */
    lowC: z.number().nullable(),
    /** Upper bound in °C. Bounds are inclusive: a value equal to a bound is in range. */
    highC: z.number(),
    /** An excursion opens only after the value stays out of range this long (pending before that). */
    alarmDelayMs: duration,
    /** An open excursion clears only at highC − h (or lowC + h) or better. */
    clearHysteresisC: z.number().min(0),
    /** Total out-of-range time allowed per waybill; null disables the budget. */
    cumulativeBudgetMs: duration.nullable(),
    /** Two readings further apart than this leave the interval unknown (a data gap). */
    maxGapMs: z.number().int().min(1),
    humidity: humidityBoundsSchema.optional(),
    severityBands: z.array(severityBandSchema),
  })
  .superRefine((p, ctx) => {
    if (p.lowC !== null && !(p.lowC < p.highC)) {
      ctx.addIssue({ code: 'custom', path: ['lowC'], message: 'lowC must be below highC' })
    }
    // The two clear thresholds must not cross, or a value could clear one side while being out on the other.
    if (p.lowC !== null && p.lowC < p.highC && !(2 * p.clearHysteresisC < p.highC - p.lowC)) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearHysteresisC'],
        message: 'clearHysteresisC must be less than half of highC − lowC',
      })
    }
    const h = p.humidity
    if (h && !(h.lowPct < h.highPct)) {
      ctx.addIssue({ code: 'custom', path: ['humidity', 'lowPct'], message: 'lowPct must be below highPct' })
    }
    if (h && h.lowPct < h.highPct && !(2 * h.hysteresisPct < h.highPct - h.lowPct)) {
      ctx.addIssue({
        code: 'custom',
        path: ['humidity', 'hysteresisPct'],
        message: 'hysteresisPct must be less than half of highPct − lowPct',
      })
    }
  })
export type TemperatureProfile = z.infer<typeof temperatureProfileSchema>

export const defaultProfileNames = [
  'frozen',
  'chilled',
  'fresh_meat',
  'pharma_2_8',
  'controlled_ambient',
] as const
export type DefaultProfileName = (typeof defaultProfileNames)[number]

// Food severity: 2 °C beyond the bound is four times the ±0.5 °C sensor accuracy (clearly real, not noise);
// 5 °C beyond it, or two hours out, is where product quality is at stake and someone must decide now.
const foodBands: SeverityBand[] = [
  { severity: 'major', minDeviation: 2 },
  { severity: 'major', minDurationMs: 30 * MINUTE },
  { severity: 'critical', minDeviation: 5 },
  { severity: 'critical', minDurationMs: 2 * HOUR },
]
// Biologics tolerate less: 1 °C or 15 min is already major, 3 °C or an hour critical.
const pharmaBands: SeverityBand[] = [
  { severity: 'major', minDeviation: 1 },
  { severity: 'major', minDurationMs: 15 * MINUTE },
  { severity: 'critical', minDeviation: 3 },
  { severity: 'critical', minDurationMs: HOUR },
]

// Shared defaults:
// - alarm delay 10 min: Controlant's default ignore period (spec "Alarm delay"); it absorbs door openings at
//   hand-over without hiding a reefer failure for long.
// - hysteresis 0.5 °C: the pharma sensor accuracy (±0.5 °C), so noise around a bound cannot flap an alarm.
// - max gap 30 min: six missed 5-minute records; beyond that the interval is unknown.
const common = { alarmDelayMs: 10 * MINUTE, clearHysteresisC: 0.5, maxGapMs: 30 * MINUTE }

/** The default profiles of `specs/cold-chain.md`. */
export const defaultProfiles: Readonly<Record<DefaultProfileName, TemperatureProfile>> = {
  // GB/T 24616-2019: -18 °C or colder; no lower bound. Budget 60 min over the whole shipment (Controlant-style
  // cumulative delay that never resets).
  frozen: {
    name: 'frozen',
    lowC: null,
    highC: -18,
    ...common,
    cumulativeBudgetMs: 60 * MINUTE,
    severityBands: foodBands,
  },
  // GB/T 24616-2019: above freezing, below 8 °C.
  chilled: {
    name: 'chilled',
    lowC: 0,
    highC: 8,
    ...common,
    cumulativeBudgetMs: 60 * MINUTE,
    severityBands: foodBands,
  },
  // Chilled meat and seafood spoil fastest: half the chilled budget.
  fresh_meat: {
    name: 'fresh_meat',
    lowC: 0,
    highC: 4,
    ...common,
    cumulativeBudgetMs: 30 * MINUTE,
    severityBands: foodBands,
  },
  // Records at least every 5 min: three missed records (15 min) is a gap. The 60 min budget is a placeholder
  // for the product's stability budget, which the merchant should set per order.
  pharma_2_8: {
    name: 'pharma_2_8',
    lowC: 2,
    highC: 8,
    ...common,
    maxGapMs: 15 * MINUTE,
    cumulativeBudgetMs: 60 * MINUTE,
    severityBands: pharmaBands,
  },
  // Dry goods are the least sensitive: two hours of budget.
  controlled_ambient: {
    name: 'controlled_ambient',
    lowC: 15,
    highC: 25,
    ...common,
    cumulativeBudgetMs: 2 * HOUR,
    severityBands: foodBands,
  },
}

/** A per-order override: any field; `humidity: null` removes the base profile's humidity bounds. */
export interface ProfileOverride {
  name?: string
  lowC?: number | null
  highC?: number
  alarmDelayMs?: number
  clearHysteresisC?: number
  cumulativeBudgetMs?: number | null
  maxGapMs?: number
  humidity?: Partial<z.input<typeof humidityBoundsSchema>> | null
  severityBands?: SeverityBand[]
}

/**
 * Merges a per-order override over a base profile and validates the result (bounds ordered, hysteresis
 * smaller than the band, humidity within 0–100 %RH). Throws `AppError('VALIDATION_FAILED')` naming each bad key.
 */
export function resolveProfile(base: TemperatureProfile, override: ProfileOverride = {}): TemperatureProfile {
  const { humidity, ...rest } = override
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) merged[key] = value
  if (humidity === null) delete merged['humidity']
  else if (humidity !== undefined) merged['humidity'] = { ...base.humidity, ...humidity }
  const parsed = temperatureProfileSchema.safeParse(merged)
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', `invalid temperature profile: ${z.prettifyError(parsed.error)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    })
  }
  return parsed.data
}
