import { monitoringOf } from '../../src/monitoring/runtime.js'
import type { StepFactory } from './step.js'

/**
 * Detection (issue 3 "Excursion engine"), after custody: the commit's new readings go to the waybills they
 * apply to and through their engine states; custody changes re-evaluate the waybills they touch; new nodes get
 * their temperature snapshot. Findings are stored in this step's savepoint, and the facts (`excursion.*`,
 * `gap.*`, `budget.*`, `sensor.*`, `node.temperature`, `transit.resumed`) reach `ctx.events` only once every
 * waybill went through, so a rolled-back step reports nothing (its in-memory states are dropped too:
 * src/monitoring/state-cache.ts). Not essential: the readings stay stored and are re-evaluated later.
 */
export const excursions: StepFactory = ({ db, metrics }) => ({
  name: 'excursions',
  essential: false,
  run(ctx) {
    const { monitor } = monitoringOf(db)
    const events = monitor.processCommit(ctx.stored.readings, ctx.events)
    metrics.monitoringStates.set(monitor.cache.size)
    ctx.events.push(...events)
  },
})
