import { monitoringOf } from '../../src/monitoring/runtime.js'
import type { StepFactory } from './step.js'

/**
 * Alerting, after detection: the monitoring facts of this commit become alert transitions (one open alert per
 * waybill and kind, src/alerts/service.ts), in this step's savepoint; the `alert.*` events follow the facts in
 * `ctx.events`, for the outbox step and, after the commit, the bus. Not essential: if it throws, the findings
 * stay stored and the failure is logged.
 */
export const alerts: StepFactory = ({ db }) => ({
  name: 'alerts',
  essential: false,
  run(ctx) {
    if (ctx.events.length === 0) return
    const events = monitoringOf(db).alerting.apply(ctx.events)
    ctx.events.push(...events)
  },
})
