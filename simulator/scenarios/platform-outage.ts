/**
 * The platforms' endpoints fail for 90 minutes (through the sandbox's fault injection) while parcels are picked
 * up and delivered: the gateway must retry its writeback and deliver every tracking node once the platforms are
 * back. The truth records the outage window; the parcels themselves have no incident.
 */
import { direct } from '../fleet/routes.js'
import { boxed, loose, merchant, toCustomers } from './common.js'
import type { Scenario } from './scenario.js'

/** Every platform answers 503 until the fault is cleared (the sandbox's POST /_sandbox/faults body). */
export const outageFault = { platform: 'all', outage: {} }

export const platformOutage: Scenario = {
  name: 'platform-outage',
  summary: 'every platform answers 503 for 90 min while nodes are produced; writeback must catch up',
  prefix: 'po',
  durationH: 7,
  plan(s) {
    const m1 = merchant(s, 'm1')
    const van = { truck: s.truck('van', 'chilled').id, scanner: s.scanner('van-scan') }
    const parcels = [
      ...loose(s, m1, van.truck, { profile: 'chilled', count: 2, pickupAt: s.at(2.5) }),
      ...boxed(s, m1, { profile: 'chilled', tier: 'same_day', count: 1, pickupAt: s.at(2.5), name: 'box' }),
    ]
    direct(s, van, {
      departAt: s.at(2),
      pickups: [{ site: m1.site, parcels }],
      deliveries: toCustomers(s, parcels),
      legMin: [20, 35],
    })
    s.event({ at: s.at(2.25), type: 'platform_fault', fault: outageFault })
    s.event({ at: s.at(3.75), type: 'platform_fault', fault: null })
  },
}
