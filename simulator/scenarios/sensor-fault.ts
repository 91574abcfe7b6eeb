/**
 * Sensors that report nonsense: the van's sensor reads 900 °C once at 09:00 and −273 °C once at 09:45, and a box
 * sensor 900 °C at 10:30. The values are sent as they are; the gateway keeps them as sensor faults and must not
 * evaluate them: the truth lists three faults (with the parcels in custody at the time) and no excursion.
 */
import { direct } from '../fleet/routes.js'
import { boxed, loose, merchant, toCustomers } from './common.js'
import type { Scenario } from './scenario.js'

export const sensorFault: Scenario = {
  name: 'sensor-fault',
  summary: 'absurd readings (900 °C, −273 °C) from a van sensor and a box sensor; faults, not excursions',
  prefix: 'sf',
  durationH: 8,
  plan(s) {
    const m1 = merchant(s, 'm1')
    const { id: truck, sensorId } = s.truck('van', 'chilled')
    const van = { truck, scanner: s.scanner('van-scan') }
    const parcels = [
      ...loose(s, m1, truck, { profile: 'chilled', count: 2, pickupAt: s.at(2.5) }),
      ...boxed(s, m1, { profile: 'chilled', tier: 'next_day', count: 1, pickupAt: s.at(2.5), name: 'box' }),
    ]
    direct(s, van, {
      departAt: s.at(2),
      pickups: [{ site: m1.site, parcels }],
      deliveries: toCustomers(s, parcels),
      legMin: [60, 70],
    })
    const boxSensor = s.plan.devices.find((d) => d.container === parcels[2]?.box)?.id as string
    s.event({ at: s.at(3), type: 'fault', device: sensorId, tempC: 900 })
    s.event({ at: s.at(3.75), type: 'fault', device: sensorId, tempC: -273 })
    s.event({ at: s.at(4.5), type: 'fault', device: boxSensor, tempC: 900 })
  },
}
