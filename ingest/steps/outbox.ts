import { outboxOf } from '../../src/writeback/outbox/writer.js'
import type { StepFactory } from './step.js'

/**
 * The last step: the facts the earlier steps produced in this commit (tracking nodes, excursion transitions,
 * alert transitions) become outbox rows, one per target that takes them, in this same transaction — so a
 * node is stored with its writeback or not at all (architecture "Writeback"). Not essential: if it throws, its
 * savepoint is rolled back and logged, and the stored scans and readings stay committed. When rows were
 * written it reports `outbox.enqueued`, which wakes the relay once the commit is durable.
 */
export const outbox: StepFactory = ({ db }) => ({
  name: 'outbox',
  essential: false,
  run(ctx) {
    if (ctx.events.length === 0) return
    const rows = outboxOf(db).produce(ctx.events, ctx.committedAt)
    if (rows > 0) ctx.events.push({ type: 'outbox.enqueued', rows })
  },
})
