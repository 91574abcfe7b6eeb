/**
 * A same-day van's reefer unit fails five minutes after it leaves its last pickup and is never repaired. The van's
 * air approaches ambient with the body's time constant (τ_wall); the loose parcels, measured by the van's sensor,
 * go out of range about half an hour later and stay out until delivered (a high excursion each, end null when
 * still open at delivery). The boxed parcel's packs hold it in range: no excursion for it.
 */
import { direct } from '../fleet/routes.js'
import { boxed, loose, merchant, toCustomers } from './common.js'
import type { Scenario } from './scenario.js'

export const reeferFailure: Scenario = {
  name: 'reefer-failure',
  summary: "a van's reefer fails on the road; loose parcels warm above 8 °C, the boxed one holds",
  prefix: 'rf',
  durationH: 10,
  plan(s) {
    const m1 = merchant(s, 'm1')
    const van = { truck: s.truck('van', 'chilled').id, scanner: s.scanner('van-scan') }
    const inBox = boxed(s, m1, {
      profile: 'chilled',
      tier: 'same_day',
      count: 1,
      pickupAt: s.at(2.5),
      name: 'box',
    })
    const parcels = [
      ...loose(s, m1, van.truck, { profile: 'chilled', count: 3, pickupAt: s.at(2.5) }),
      ...inBox,
    ]
    const departAt = s.at(2)
    // The route is planned first so the failure can be placed after the pickup stop.
    const end = direct(s, van, {
      departAt,
      pickups: [{ site: m1.site, parcels }],
      deliveries: toCustomers(s, parcels),
      legMin: [30, 38],
    })
    const pickupDone = Math.min(
      ...s.plan.events
        .filter((e) => e.type === 'scan' && e.event === 'out_for_delivery' && e.scanner === van.scanner)
        .map((e) => e.at),
    )
    s.event({ at: pickupDone + 5 * 60_000, type: 'reefer', truck: van.truck, failed: true })
    if (end > s.at(this.durationH)) throw new Error('reefer-failure: route longer than the scenario')
  },
}
