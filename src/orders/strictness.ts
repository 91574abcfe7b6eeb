/**
 * Which temperature profile a merged waybill follows. Goods of every merged order share the parcel, so the
 * parcel must satisfy each order's profile at once: the strictest profile applies.
 *
 * Strictness, field by field, over each order's effective profile (its profile with its override):
 * - bounds: the intersection — the highest lower bound and the lowest upper bound (humidity likewise); an empty
 *   intersection means no temperature satisfies all orders, and the merge is refused;
 * - alarm delay, cumulative budget, maximum data gap: the shortest (an absent budget is the least strict);
 * - clear hysteresis: the widest (an excursion clears later);
 * - severity bands: all of them (a band of any order raises the severity).
 * When one order's effective profile equals that result, its profile applies as is; otherwise the profile with
 * the narrowest range is the base and the intersection is stored as its override. The reason says which.
 */
import { AppError } from '../errors.js'
import {
  type DefaultProfileName,
  defaultProfiles,
  type HumidityBounds,
  type ProfileOverride,
  resolveProfile,
  type SeverityBand,
  type TemperatureProfile,
} from '../rules/profiles.js'
import { canonicalJson } from './canonical.js'

/** Finds a profile by name (the profile store once profiles are editable; the defaults until then). */
export type ProfileLookup = (name: string) => TemperatureProfile | null

export const defaultProfileLookup: ProfileLookup = (name) =>
  Object.hasOwn(defaultProfiles, name) ? defaultProfiles[name as DefaultProfileName] : null

/** One merged order's profile. */
export interface ProfileClaim {
  orderId: string
  profile: string
  override: ProfileOverride | null
}

/** The profile a waybill follows and why. */
export interface ProfileChoice {
  profile: string
  override: ProfileOverride | null
  reason: string
}

const minOf = (values: number[]): number => Math.min(...values)
const maxOf = (values: number[]): number => Math.max(...values)

function bandsUnion(lists: SeverityBand[][]): SeverityBand[] {
  const byKey = new Map(lists.flat().map((band) => [canonicalJson(band), band]))
  return [...byKey.keys()].sort().map((key) => byKey.get(key) as SeverityBand)
}

function humidityIntersection(all: (HumidityBounds | undefined)[]): HumidityBounds | undefined {
  const defined = all.filter((h): h is HumidityBounds => h !== undefined)
  if (defined.length === 0) return undefined
  return {
    lowPct: maxOf(defined.map((h) => h.lowPct)),
    highPct: minOf(defined.map((h) => h.highPct)),
    delayMs: minOf(defined.map((h) => h.delayMs)),
    hysteresisPct: maxOf(defined.map((h) => h.hysteresisPct)),
    severityBands: bandsUnion(defined.map((h) => h.severityBands)),
  }
}

function describe(p: Omit<TemperatureProfile, 'name'>): string {
  const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`
  const budget = p.cumulativeBudgetMs === null ? 'no budget' : `budget ${minutes(p.cumulativeBudgetMs)}`
  const rh = p.humidity ? `, ${p.humidity.lowPct}..${p.humidity.highPct} %RH` : ''
  return `${p.lowC ?? '-∞'}..${p.highC} °C${rh}, alarm delay ${minutes(p.alarmDelayMs)}, ${budget}, max gap ${minutes(p.maxGapMs)}`
}

function withoutName(p: TemperatureProfile): Omit<TemperatureProfile, 'name'> {
  const { name: _name, ...rest } = p
  return rest
}

/** A key equal for equal limits: defaults filled in, bands in one order, the name left out. */
function comparable(p: Omit<TemperatureProfile, 'name'>): string {
  const full = resolveProfile({ ...p, name: 'comparable' })
  const sortBands = (bands: SeverityBand[]) => bandsUnion([bands])
  const humidity = full.humidity && {
    ...full.humidity,
    severityBands: sortBands(full.humidity.severityBands),
  }
  return canonicalJson({ ...full, name: '', humidity, severityBands: sortBands(full.severityBands) })
}

function intersect(
  claims: ProfileClaim[],
  effective: TemperatureProfile[],
): Omit<TemperatureProfile, 'name'> {
  const lows = effective.flatMap((p) => (p.lowC === null ? [] : [p.lowC]))
  const budgets = effective.flatMap((p) => (p.cumulativeBudgetMs === null ? [] : [p.cumulativeBudgetMs]))
  const merged = {
    lowC: lows.length > 0 ? maxOf(lows) : null,
    highC: minOf(effective.map((p) => p.highC)),
    alarmDelayMs: minOf(effective.map((p) => p.alarmDelayMs)),
    clearHysteresisC: maxOf(effective.map((p) => p.clearHysteresisC)),
    cumulativeBudgetMs: budgets.length > 0 ? minOf(budgets) : null,
    maxGapMs: minOf(effective.map((p) => p.maxGapMs)),
    humidity: humidityIntersection(effective.map((p) => p.humidity)),
    severityBands: bandsUnion(effective.map((p) => p.severityBands)),
  }
  const list = claims.map(
    (c, i) => `${c.orderId} (${c.profile}: ${describe(effective[i] as TemperatureProfile)})`,
  )
  const emptyRange = merged.lowC !== null && merged.lowC >= merged.highC
  const emptyHumidity = merged.humidity !== undefined && merged.humidity.lowPct >= merged.humidity.highPct
  if (emptyRange || emptyHumidity) {
    throw new AppError(
      'VALIDATION_FAILED',
      `no ${emptyRange ? 'temperature' : 'humidity'} satisfies every order: ${list.join('; ')}`,
      {
        reason: 'incompatible_profiles',
      },
    )
  }
  return merged
}

/** The profile a waybill carrying these orders follows; throws VALIDATION_FAILED when none can. */
export function strictestProfile(claims: ProfileClaim[], lookup: ProfileLookup): ProfileChoice {
  const first = claims[0]
  if (!first) throw new AppError('VALIDATION_FAILED', 'no orders to choose a profile for')
  const names = [...new Set(claims.map((c) => c.profile))]
  if (names.length === 1 && new Set(claims.map((c) => canonicalJson(c.override))).size === 1) {
    const how = first.override ? ' with the same override' : ''
    return {
      profile: first.profile,
      override: first.override,
      reason: `all orders share profile ${first.profile}${how}`,
    }
  }
  const effective = claims.map((claim) => {
    const base = lookup(claim.profile)
    if (!base) {
      throw new AppError(
        'VALIDATION_FAILED',
        `order ${claim.orderId} names unknown profile ${claim.profile}`,
        {
          reason: 'unknown_profile',
        },
      )
    }
    return resolveProfile(base, claim.override ?? {})
  })
  const merged = intersect(claims, effective)
  const mergedKey = comparable(merged)
  const others = claims.map((c) => c.profile).join(', ')
  const strictest = claims.findIndex((_, i) => {
    const p = effective[i] as TemperatureProfile
    return comparable(withoutName(p)) === mergedKey
  })
  const winner = claims[strictest]
  if (winner) {
    const how = winner.override ? ' (with its order override)' : ''
    return {
      profile: winner.profile,
      override: winner.override,
      reason: `${winner.profile}${how} is the strictest of ${others}: its bounds lie within every other's and its delays are the shortest`,
    }
  }
  // Base: the narrowest temperature range, so that the stored override changes as little as possible.
  const width = (p: TemperatureProfile) => (p.lowC === null ? Number.POSITIVE_INFINITY : p.highC - p.lowC)
  const widths = effective.map(width)
  const baseIndex = widths.indexOf(minOf(widths))
  const base = claims[baseIndex] as ProfileClaim
  const override: ProfileOverride = { ...merged, humidity: merged.humidity ?? null }
  // Validates the result (e.g. a hysteresis wider than the intersected band is refused here).
  resolveProfile(lookup(base.profile) as TemperatureProfile, override)
  return {
    profile: base.profile,
    override,
    reason: `no single profile of ${others} is the strictest; their intersection applies over ${base.profile}: ${describe(merged)}`,
  }
}
