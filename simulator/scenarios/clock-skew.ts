/**
 * Clocks that disagree: the van's sensor runs 7 minutes fast (inside the gateway's future-skew limit even live),
 * its courier's scanner 3 minutes slow, and a box sensor 5 minutes slow. A 30-minute door opening at the second
 * stop gives the loose parcels a high excursion. The truth is in device time as published, so the excursion's
 * `start` is 7 minutes after its `trueStart`, and custody windows use the scanner's slow clock.
 */
import { direct } from '../fleet/routes.js'
import { boxed, loose, merchant, toCustomers } from './common.js'
import type { Scenario } from './scenario.js'

const MIN = 60_000

export const clockSkew: Scenario = {
  name: 'clock-skew',
  summary: 'a sensor 7 min fast, a scanner 3 min slow, a box 5 min slow; an excursion seen through them',
  prefix: 'cs',
  durationH: 9,
  plan(s) {
    const m1 = merchant(s, 'm1')
    const m2 = merchant(s, 'm2')
    const truck = s.truck('van', 'chilled', {}, { clockSkewMs: 7 * MIN }).id
    const van = { truck, scanner: s.scanner('van-scan', { clockSkewMs: -3 * MIN }) }
    const first = loose(s, m1, truck, { profile: 'chilled', count: 2, pickupAt: s.at(2.5) })
    const box = boxed(s, m1, {
      profile: 'chilled',
      tier: 'same_day',
      count: 1,
      pickupAt: s.at(2.5),
      name: 'box',
    })
    const boxId = box[0]?.box as string
    const boxSensor = s.plan.devices.find((d) => d.container === boxId)
    if (boxSensor) boxSensor.clockSkewMs = -5 * MIN
    const second = loose(s, m2, truck, { profile: 'chilled', count: 1, pickupAt: s.at(3) })
    const all = [...first, ...box, ...second]
    direct(s, van, {
      departAt: s.at(2),
      pickups: [
        { site: m1.site, parcels: [...first, ...box] },
        { site: m2.site, parcels: second, doorMin: 30 },
      ],
      deliveries: toCustomers(s, all),
      legMin: [25, 35],
    })
  },
}
