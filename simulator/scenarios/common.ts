/** Building blocks the scenarios share: merchants, a hub, customers, and parcels in boxes or loose. */

import type { ProfileName, SlaTier } from '../fleet/plan.js'
import type { Scope } from '../fleet/plan-builder.js'
import type { Parcel } from '../fleet/routes.js'

const MIN = 60_000

/** A merchant with a cold room and a freezer. */
export interface Merchant {
  site: string
  freezer: string
}

export function merchant(s: Scope, name: string): Merchant {
  return { site: s.site(name, 4), freezer: s.site(`${name}-freezer`, -22) }
}

/** A hub: a chilled room, a freezer room and the hub's scanner. */
export interface Hub {
  site: string
  freezer: string
  scanner: string
}

export function hub(s: Scope, name = 'hub'): Hub {
  return {
    site: s.site(name, 3),
    freezer: s.site(`${name}-freezer`, -22),
    scanner: s.scanner(`${name}-scan`),
  }
}

/** A customer's door: goods wait in ambient air. */
export function customer(s: Scope, name: string): string {
  return s.site(name, null)
}

/** Parcels that each travel in their own box, waiting at the merchant until `pickupAt`. */
export function boxed(
  s: Scope,
  m: Merchant,
  o: { profile: ProfileName; tier: SlaTier; count: number; pickupAt: number; name: string },
): Parcel[] {
  const at = o.profile === 'frozen' ? m.freezer : m.site
  return Array.from({ length: o.count }, (_, i) => {
    const box = s.box(`${o.name}${i + 1}`, o.profile, { site: at }).id
    const no = s.waybill({
      merchant: m.site,
      profile: o.profile,
      tier: o.tier,
      container: box,
      createAt: o.pickupAt - s.minutes(30, 120),
    })
    return { no, box }
  })
}

/** Parcels that ride loose in `truck` (its sensor is their temperature). Same-day only. */
export function loose(
  s: Scope,
  m: Merchant,
  truck: string,
  o: { profile: ProfileName; count: number; pickupAt: number },
): Parcel[] {
  return Array.from({ length: o.count }, () => {
    const no = s.waybill({
      merchant: m.site,
      profile: o.profile,
      tier: 'same_day',
      container: truck,
      createAt: o.pickupAt - 45 * MIN,
    })
    return { no, box: null }
  })
}

/** Deliveries of `parcels` to fresh customer sites, one each. */
export function toCustomers(s: Scope, parcels: Parcel[], name = 'cust'): { parcel: Parcel; site: string }[] {
  return parcels.map((parcel, i) => ({ parcel, site: customer(s, `${name}${i + 1}`) }))
}
