/** Every migration, in order. Append only: a released migration is never edited. */
import { foundation } from './001-foundation.js'
import { sinkCursors } from './002-sink-cursors.js'
import { ordersCustody } from './003-orders-custody.js'
import { alerts } from './004-alerts.js'
import { writeback } from './005-writeback.js'
import { monitoring } from './006-monitoring.js'

export interface Migration {
  version: number
  name: string
  sql: string
}

export const migrations: Migration[] = [foundation, sinkCursors, ordersCustody, alerts, writeback, monitoring]
