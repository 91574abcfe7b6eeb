import { custodyOf } from '../../src/custody/service.js'
import type { StepFactory } from './step.js'

/**
 * Every new scan becomes a tracking node of its waybill and moves custody (src/custody/model.ts). Not
 * essential: if it throws, its savepoint is rolled back, the failure is logged and the raw scans stay stored
 * (they can be replayed into nodes). Events reach `ctx.events` only once every scan went through, so a
 * rolled-back step reports nothing.
 */
export const custody: StepFactory = ({ db }) => {
  const service = custodyOf(db)
  return {
    name: 'custody',
    essential: false,
    run(ctx) {
      if (ctx.stored.scans.length === 0) return
      const events = ctx.stored.scans.flatMap((scan) => service.recordScan(scan))
      ctx.events.push(...events)
    },
  }
}
