/**
 * A courier leaves a same-day van's door open for 35 minutes while loading at the second merchant. The door
 * switch stops the fans, so the air goes toward ambient (τ_door 12 min): the loose parcels already aboard and the
 * one loaded there get a high excursion that clears a few minutes after the door closes. Boxed parcels stay in
 * range.
 */
import { direct } from '../fleet/routes.js'
import { boxed, loose, merchant, toCustomers } from './common.js'
import type { Scenario } from './scenario.js'

export const doorLeftOpen: Scenario = {
  name: 'door-left-open',
  summary: 'a van door left open 35 min during loading; loose parcels go above 8 °C, then recover',
  prefix: 'do',
  durationH: 9,
  plan(s) {
    const m1 = merchant(s, 'm1')
    const m2 = merchant(s, 'm2')
    const van = { truck: s.truck('van', 'chilled').id, scanner: s.scanner('van-scan') }
    const first = loose(s, m1, van.truck, { profile: 'chilled', count: 2, pickupAt: s.at(3.5) })
    const second = [
      ...loose(s, m2, van.truck, { profile: 'chilled', count: 1, pickupAt: s.at(4) }),
      ...boxed(s, m2, { profile: 'chilled', tier: 'same_day', count: 1, pickupAt: s.at(4), name: 'box' }),
    ]
    const all = [...first, ...second]
    direct(s, van, {
      departAt: s.at(3),
      pickups: [
        { site: m1.site, parcels: first },
        { site: m2.site, parcels: second, doorMin: 35 },
      ],
      deliveries: toCustomers(s, all),
      legMin: [20, 30],
    })
  },
}
