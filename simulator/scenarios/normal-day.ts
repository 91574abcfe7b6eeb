/**
 * A normal summer day: chilled and frozen first-mile trucks collect boxes at merchants and bring them to the hub,
 * vans take them out in the afternoon, and a same-day van runs two door-to-door loops with boxed and loose parcels.
 * Doors open at every stop and the reefers defrost, but nothing lasts long enough to be an excursion: the truth
 * should be empty of excursions, gaps and stalls, and a gateway that raises anything here has a false alarm.
 */
import { direct, firstMile, lastMile } from '../fleet/routes.js'
import { boxed, hub, loose, merchant, toCustomers } from './common.js'
import type { Scenario } from './scenario.js'

export const normalDay: Scenario = {
  name: 'normal-day',
  summary: 'a day of first-mile, hub and last-mile runs plus same-day vans; no incident',
  prefix: 'nd',
  durationH: 16,
  plan(s) {
    const h = hub(s)
    const m = [merchant(s, 'm1'), merchant(s, 'm2'), merchant(s, 'm3')] as const
    const tier = () => s.rng.pick(['next_day', 'standard'] as const)

    // Chilled first mile at 07:00, last mile at 13:00.
    const fmC = { truck: s.truck('fm-chilled', 'chilled').id, scanner: s.scanner('fm-chilled-scan') }
    const chilled = m.map((mm, i) => ({
      site: mm.site,
      parcels: boxed(s, mm, {
        profile: 'chilled',
        tier: tier(),
        count: 2,
        pickupAt: s.at(1.5 + i / 2),
        name: `c${i + 1}-`,
      }),
    }))
    firstMile(s, fmC, { departAt: s.at(1), pickups: chilled, hub: h.site, hubScanner: h.scanner })
    const lmC = { truck: s.truck('lm-chilled', 'chilled').id, scanner: s.scanner('lm-chilled-scan') }
    const cParcels = chilled.flatMap((p) => p.parcels)
    lastMile(s, lmC, {
      departAt: s.at(7),
      hub: h.site,
      hubScanner: h.scanner,
      deliveries: toCustomers(s, cParcels, 'cc'),
    })

    // Frozen first mile at 07:30, last mile at 13:30.
    const fmF = { truck: s.truck('fm-frozen', 'frozen').id, scanner: s.scanner('fm-frozen-scan') }
    const frozen = m.slice(0, 2).map((mm, i) => ({
      site: mm.freezer,
      parcels: boxed(s, mm, {
        profile: 'frozen',
        tier: tier(),
        count: 2,
        pickupAt: s.at(2 + i / 2),
        name: `f${i + 1}-`,
      }),
    }))
    firstMile(s, fmF, { departAt: s.at(1.5), pickups: frozen, hub: h.freezer, hubScanner: h.scanner })
    const lmF = { truck: s.truck('lm-frozen', 'frozen').id, scanner: s.scanner('lm-frozen-scan') }
    const fParcels = frozen.flatMap((p) => p.parcels)
    lastMile(s, lmF, {
      departAt: s.at(7.5),
      hub: h.freezer,
      hubScanner: h.scanner,
      deliveries: toCustomers(s, fParcels, 'fc'),
    })

    // Same-day van: two loops (09:00 and 15:00), boxed and loose chilled parcels.
    const van = { truck: s.truck('sd-van', 'chilled').id, scanner: s.scanner('sd-van-scan') }
    for (const [loop, departH] of [
      [1, 3],
      [2, 9],
    ] as const) {
      const a = boxed(s, m[1], {
        profile: 'chilled',
        tier: 'same_day',
        count: 1,
        pickupAt: s.at(departH + 0.5),
        name: `sd${loop}-`,
      })
      const b = loose(s, m[1], van.truck, { profile: 'chilled', count: 1, pickupAt: s.at(departH + 0.5) })
      const c = loose(s, m[2], van.truck, { profile: 'chilled', count: 1, pickupAt: s.at(departH + 1) })
      direct(s, van, {
        departAt: s.at(departH),
        pickups: [
          { site: m[1].site, parcels: [...a, ...b] },
          { site: m[2].site, parcels: c },
        ],
        deliveries: toCustomers(s, [...a, ...b, ...c], `sd${loop}-c`),
      })
    }
  },
}
