/**
 * Two boxes (next-day parcels, delivered late in the day) on a van lose signal. Box A is out of coverage 09:30–11:30; meanwhile the courier leaves it on
 * a roadside bench with the lid open for 20 minutes (10:00), so it warms well above 8 °C and recovers on its packs
 * before the signal returns. It then uploads the 2 h as back-filled batches with their original timestamps: the
 * truth holds one high excursion for its parcel, confirmed late, and NO data gap (the batch closes it).
 * Box B power-cycles 12:00–13:00 and loses its buffer: a real one-hour data gap, and nothing else.
 */
import { direct } from '../fleet/routes.js'
import { boxed, customer, merchant, toCustomers } from './common.js'
import type { Scenario } from './scenario.js'

const MIN = 60_000

export const boxOfflineBackfill: Scenario = {
  name: 'box-offline-backfill',
  summary: 'a box offline 2 h back-fills a batch containing an excursion; another loses its buffer (a gap)',
  prefix: 'bo',
  durationH: 10,
  plan(s) {
    const m1 = merchant(s, 'm1')
    const van = { truck: s.truck('van', 'chilled').id, scanner: s.scanner('van-scan') }
    const [a, b] = boxed(s, m1, {
      profile: 'chilled',
      tier: 'next_day',
      count: 2,
      pickupAt: s.at(2.5),
      name: 'box',
    })
    if (!a?.box || !b?.box) throw new Error('box-offline-backfill: boxes missing')
    const sensorOf = (box: string) => s.plan.devices.find((d) => d.container === box)?.id as string
    direct(s, van, {
      departAt: s.at(2),
      pickups: [{ site: m1.site, parcels: [a, b] }],
      // Long legs: each parcel stays aboard until its incident is over.
      deliveries: toCustomers(s, [a, b]).map((d, i) => ({
        ...d,
        site: i === 0 ? d.site : customer(s, 'late'),
      })),
      legMin: [190, 200],
    })
    const bench = s.site('roadside', null)
    s.event({ at: s.at(3.5), type: 'offline', device: sensorOf(a.box), keepBuffer: true })
    s.event({ at: s.at(4), type: 'place', box: a.box, place: { site: bench } })
    s.event({ at: s.at(4), type: 'lid', box: a.box, open: true })
    s.event({ at: s.at(4) + 20 * MIN, type: 'lid', box: a.box, open: false })
    s.event({ at: s.at(4) + 35 * MIN, type: 'place', box: a.box, place: { truck: van.truck } })
    s.event({ at: s.at(5.5), type: 'online', device: sensorOf(a.box) })
    s.event({ at: s.at(6), type: 'offline', device: sensorOf(b.box), keepBuffer: false })
    s.event({ at: s.at(7), type: 'online', device: sensorOf(b.box) })
  },
}
