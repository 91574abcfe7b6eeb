/**
 * Parcels stuck at the hub. A same-day parcel (limit 3 h without a node) waits 6 h between hub_in and hub_out:
 * a stall from its hub_in, due 3 h later, ended by its hub_out. A next-day parcel (limit 8 h) never leaves the
 * hub before the run ends (14 h after its hub_in): a stall still open (`until` null). A third goes through on time.
 */
import { firstMile, lastMile } from '../fleet/routes.js'
import { boxed, hub, merchant, toCustomers } from './common.js'
import type { Scenario } from './scenario.js'

export const stalledAtHub: Scenario = {
  name: 'stalled-at-hub',
  summary: 'a same-day parcel waits 6 h at the hub, a next-day one never leaves it',
  prefix: 'sh',
  durationH: 16,
  plan(s) {
    const h = hub(s)
    const m1 = merchant(s, 'm1')
    const fm = { truck: s.truck('fm', 'chilled').id, scanner: s.scanner('fm-scan') }
    const [late] = boxed(s, m1, {
      profile: 'chilled',
      tier: 'same_day',
      count: 1,
      pickupAt: s.at(1.5),
      name: 'sd',
    })
    const [stuck] = boxed(s, m1, {
      profile: 'chilled',
      tier: 'next_day',
      count: 1,
      pickupAt: s.at(1.5),
      name: 'nd',
    })
    const [onTime] = boxed(s, m1, {
      profile: 'chilled',
      tier: 'next_day',
      count: 1,
      pickupAt: s.at(1.5),
      name: 'ok',
    })
    if (!late || !stuck || !onTime) throw new Error('stalled-at-hub: parcels missing')
    const atHub = firstMile(s, fm, {
      departAt: s.at(1),
      pickups: [{ site: m1.site, parcels: [late, stuck, onTime] }],
      hub: h.site,
      hubScanner: h.scanner,
    })
    const hours = (atHub - s.start) / 3_600_000
    const lm = { truck: s.truck('lm', 'chilled').id, scanner: s.scanner('lm-scan') }
    lastMile(s, lm, {
      departAt: s.at(hours + 1),
      hub: h.site,
      hubScanner: h.scanner,
      deliveries: toCustomers(s, [onTime], 'ok'),
    })
    const lm2 = { truck: s.truck('lm2', 'chilled').id, scanner: s.scanner('lm2-scan') }
    lastMile(s, lm2, {
      departAt: s.at(hours + 6),
      hub: h.site,
      hubScanner: h.scanner,
      deliveries: toCustomers(s, [late], 'sd'),
    })
  },
}
