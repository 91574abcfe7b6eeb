/**
 * The processing order, declared once (STYLE rule 2). Every group commit runs these steps in this order inside
 * one SQLite transaction; steps never call each other, they share only the commit context. Domain steps
 * (custody, excursions, alerts, outbox) are appended here as they are built.
 */

import { alerts } from './steps/alerts.js'
import { custody } from './steps/custody.js'
import { excursions } from './steps/excursions.js'
import { outbox } from './steps/outbox.js'
import type { StepFactory } from './steps/step.js'
import { storeDeadLetters } from './steps/store-dead-letters.js'
import { storeReadings } from './steps/store-readings.js'
import { storeScans } from './steps/store-scans.js'
import { storeStatuses } from './steps/store-statuses.js'
import { touchDevices } from './steps/touch-devices.js'

export const pipeline: readonly StepFactory[] = [
  storeReadings,
  storeScans,
  storeStatuses,
  storeDeadLetters,
  custody,
  excursions,
  alerts,
  touchDevices,
  outbox,
]
