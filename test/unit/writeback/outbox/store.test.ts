import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OutboxStore } from '../../../../src/writeback/outbox/store.js'
import { addTarget, rows, T0, type World, world } from './fixtures.js'

const DAY = 86_400_000

describe('the outbox store', () => {
  let w: World
  let store: OutboxStore
  beforeEach(() => {
    w = world()
    store = w.writer.store
    addTarget(w, 'webhook', { id: 'hook' })
  })
  afterEach(() => w.db.close())

  const put = (key: string, eventId: string, at = T0) =>
    store.insert({
      targetId: 'hook',
      orderingKey: key,
      eventId,
      type: 'tracking.node',
      payload: '{}',
      createdAt: at,
      eventTime: at,
      expiresAt: at + 3 * DAY,
    })
  const due = (now = T0) => store.due('hook', now, 100).map((r) => r.eventId)
  const byEvent = (eventId: string) => {
    const row = store.due('hook', Number.MAX_SAFE_INTEGER, 1000).find((r) => r.eventId === eventId)
    if (!row) throw new Error(`${eventId} is not a due head`)
    return row
  }

  it('offers only the head of each lane, most overdue first', () => {
    put('W1', 'a', T0 + 10)
    put('W1', 'b', T0 + 20)
    put('W2', 'c', T0)
    expect(due(T0 + 100)).toEqual(['c', 'a'])
    expect(due(T0 + 5)).toEqual(['c'])
  })

  it('promotes the next row of the lane when the head is delivered or dead', () => {
    put('W1', 'a')
    put('W1', 'b')
    put('W1', 'c')
    expect(store.markDelivered(byEvent('a'), T0 + 1)).toBe(true)
    expect(due(T0 + 1)).toEqual(['b'])
    store.markDead(byEvent('b'), 'refused', T0 + 2, T0 + 2)
    expect(due(T0 + 2)).toEqual(['c'])
  })

  it('keeps a retried head at the front of its lane until its next attempt', () => {
    put('W1', 'a')
    put('W1', 'b')
    store.markRetry(byEvent('a'), 'HTTP 503', T0, T0 + 5_000)
    expect(due(T0 + 4_999)).toEqual([])
    expect(due(T0 + 5_000)).toEqual(['a'])
    expect(store.nextDueAfter('hook', T0)).toBe(T0 + 5_000)
  })

  it('replays one dead row, a lane, or a whole target with a fresh deadline, in lane order', () => {
    put('W1', 'a')
    put('W1', 'b')
    put('W2', 'c')
    store.markDead(byEvent('a'), 'refused', T0, T0)
    store.markDead(byEvent('c'), 'refused', T0, T0)
    // b became the head of W1; replaying a (older) puts a in front again.
    expect(store.reviveDead('hook', 'W1', T0 + 1, T0 + 3 * DAY, 100)).toBe(1)
    expect(due(T0 + 1)).toEqual(['a'])
    expect(store.reviveOne(byEvent('a'), T0 + 1, T0 + DAY)).toBe(false) // not dead
    expect(store.reviveDead('hook', null, T0 + 2, T0 + 3 * DAY, 100)).toBe(1)
    expect(due(T0 + 2)).toEqual(['a', 'c'])
    expect(rows(w.db).find((r) => r.event_id === 'a')?.attempts).toBe(0)
  })

  it('dead-letters expired rows with the last error kept', () => {
    put('W1', 'a')
    store.markRetry(byEvent('a'), 'HTTP 503', T0, T0 + 1000)
    const expired = store.expired('hook', T0 + 3 * DAY, 10)
    expect(expired.map((r) => r.orderingKey)).toEqual(['W1'])
    store.markDead({ id: expired[0]?.id as number, targetId: 'hook', orderingKey: 'W1' }, 'expired', T0, null)
    expect(rows(w.db)[0]).toMatchObject({
      state: 'dead',
      last_error: 'expired (last error: HTTP 503)',
      attempts: 1,
    })
  })

  it('extends the deadline of pending rows when a target comes back', () => {
    put('W1', 'a')
    expect(store.extendDeadlines('hook', T0 + 10 * DAY)).toBe(1)
    expect(store.expired('hook', T0 + 5 * DAY, 10)).toEqual([])
  })

  it('counts pending and dead rows per target, and purges old delivered rows', () => {
    put('W1', 'a', T0)
    put('W2', 'b', T0 + 5)
    put('W3', 'c', T0 + 7)
    store.markDelivered(byEvent('a'), T0 + 10)
    store.markDead(byEvent('b'), 'refused', T0, T0)
    expect(store.stats().get('hook')).toEqual({ pending: 1, oldest: T0 + 7, dead: 1 })
    expect(store.purgeDelivered(T0 + 11, 100)).toBe(1)
    expect(rows(w.db)).toHaveLength(2)
  })
})
