/**
 * The SQL of the outbox: prepared once, one method per statement. Lanes (target, ordering key) are kept in id
 * order by one invariant: only the oldest pending row of a lane has `next_attempt_at` (migration 005). Every
 * method that ends a head (delivered, dead) promotes the next row; methods that revive rows re-settle the lane.
 * Callers wrap several calls in one transaction where they must be atomic.
 */
import type { Database } from '../../store/database.js'
import type { WritebackEventType } from '../types.js'

export const outboxStates = ['pending', 'delivered', 'dead'] as const
export type OutboxState = (typeof outboxStates)[number]

export interface OutboxRow {
  id: number
  targetId: string
  orderingKey: string
  eventId: string
  type: WritebackEventType
  /** The WritebackEvent as JSON. */
  payload: string
  createdAt: number
  eventTime: number
  state: OutboxState
  attempts: number
  nextAttemptAt: number | null
  expiresAt: number
  lastError: string | null
  lastAttemptAt: number | null
  deliveredAt: number | null
}

export type NewOutboxRow = Pick<
  OutboxRow,
  'targetId' | 'orderingKey' | 'eventId' | 'type' | 'payload' | 'createdAt' | 'eventTime' | 'expiresAt'
>

interface Raw {
  id: number
  target_id: string
  ordering_key: string
  event_id: string
  type: WritebackEventType
  payload: string
  created_at: number
  event_time: number
  state: OutboxState
  attempts: number
  next_attempt_at: number | null
  expires_at: number
  last_error: string | null
  last_attempt_at: number | null
  delivered_at: number | null
}

export function toOutboxRow(r: Raw): OutboxRow {
  return {
    id: r.id,
    targetId: r.target_id,
    orderingKey: r.ordering_key,
    eventId: r.event_id,
    type: r.type,
    payload: r.payload,
    createdAt: r.created_at,
    eventTime: r.event_time,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    expiresAt: r.expires_at,
    lastError: r.last_error,
    lastAttemptAt: r.last_attempt_at,
    deliveredAt: r.delivered_at,
  }
}

const HEAD = `(SELECT id FROM outbox WHERE target_id = @t AND ordering_key = @k AND state = 'pending'
                ORDER BY id LIMIT 1)`

function statements(db: Database) {
  return {
    insert: db.prepare(
      `INSERT INTO outbox (target_id, ordering_key, event_id, type, payload, created_at, event_time, expires_at,
                           next_attempt_at)
       VALUES (@t, @k, @eventId, @type, @payload, @createdAt, @eventTime, @expiresAt,
               CASE WHEN EXISTS (SELECT 1 FROM outbox WHERE target_id = @t AND ordering_key = @k
                                    AND state = 'pending') THEN NULL ELSE @createdAt END)
       ON CONFLICT (target_id, event_id) DO NOTHING`,
    ),
    due: db.prepare<[string, number, number], Raw>(
      `SELECT * FROM outbox WHERE target_id = ? AND state = 'pending' AND next_attempt_at IS NOT NULL
          AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
    ),
    nextDue: db
      .prepare<[string, number], number | null>(
        `SELECT MIN(next_attempt_at) FROM outbox WHERE target_id = ? AND state = 'pending'
            AND next_attempt_at IS NOT NULL AND next_attempt_at > ?`,
      )
      .pluck(),
    byId: db.prepare<[number], Raw>('SELECT * FROM outbox WHERE id = ?'),
    delivered: db.prepare(
      `UPDATE outbox SET state = 'delivered', delivered_at = @at, last_attempt_at = @at, attempts = attempts + 1,
              next_attempt_at = NULL WHERE id = @id AND state = 'pending'`,
    ),
    dead: db.prepare(
      `UPDATE outbox SET state = 'dead',
              last_error = CASE WHEN @attempted = 1 THEN @error
                                ELSE @error || COALESCE(' (last error: ' || last_error || ')', '') END,
              last_attempt_at = COALESCE(@attemptAt, last_attempt_at),
              attempts = attempts + @attempted, next_attempt_at = NULL WHERE id = @id AND state = 'pending'`,
    ),
    // Only the lane's head keeps a due time: a row that stopped being the head (a replayed older row took its
    // place while it was in flight) waits behind it again.
    retry: db.prepare(
      `UPDATE outbox SET attempts = attempts + 1, last_error = @error, last_attempt_at = @at,
              next_attempt_at = CASE WHEN id = ${HEAD} THEN @next ELSE NULL END
        WHERE id = @id AND state = 'pending'`,
    ),
    promote: db.prepare(
      `UPDATE outbox SET next_attempt_at = @now WHERE id = ${HEAD} AND next_attempt_at IS NULL`,
    ),
    settle: db.prepare(
      `UPDATE outbox SET next_attempt_at = CASE WHEN id = ${HEAD} THEN COALESCE(next_attempt_at, @now) ELSE NULL END
        WHERE target_id = @t AND ordering_key = @k AND state = 'pending'`,
    ),
    revive: db.prepare(
      `UPDATE outbox SET state = 'pending', attempts = 0, expires_at = @expiresAt, next_attempt_at = NULL
        WHERE id = @id AND state = 'dead'`,
    ),
    deadOf: db.prepare<[string, string | null, string | null, number], { id: number; ordering_key: string }>(
      `SELECT id, ordering_key FROM outbox WHERE state = 'dead' AND target_id = ?
          AND (? IS NULL OR ordering_key = ?) ORDER BY id LIMIT ?`,
    ),
    expired: db.prepare<[string, number, number], { id: number; ordering_key: string }>(
      `SELECT id, ordering_key FROM outbox WHERE target_id = ? AND state = 'pending' AND expires_at <= ?
        ORDER BY id LIMIT ?`,
    ),
    extend: db.prepare(
      `UPDATE outbox SET expires_at = MAX(expires_at, @expiresAt) WHERE target_id = @t AND state = 'pending'`,
    ),
    stats: db.prepare<[], { target_id: string; pending: number; oldest: number | null }>(
      `SELECT target_id, COUNT(*) AS pending, MIN(created_at) AS oldest FROM outbox WHERE state = 'pending'
        GROUP BY target_id`,
    ),
    deadCounts: db.prepare<[], { target_id: string; dead: number }>(
      `SELECT target_id, COUNT(*) AS dead FROM outbox WHERE state = 'dead' GROUP BY target_id`,
    ),
    purge: db.prepare(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state = 'delivered' AND delivered_at < ?
                                         LIMIT ?)`,
    ),
  }
}

export class OutboxStore {
  private readonly s: ReturnType<typeof statements>

  constructor(readonly db: Database) {
    this.s = statements(db)
  }

  /** False when the (target, event) row exists already: enqueueing is idempotent. */
  insert(row: NewOutboxRow): boolean {
    const { targetId: t, orderingKey: k, ...rest } = row
    return this.s.insert.run({ t, k, ...rest }).changes === 1
  }

  /** Heads of lanes due at `now`, most overdue first. */
  due(targetId: string, now: number, limit: number): OutboxRow[] {
    return this.s.due.all(targetId, now, limit).map(toOutboxRow)
  }

  /** The earliest head due after `now`, or null. */
  nextDueAfter(targetId: string, now: number): number | null {
    return this.s.nextDue.get(targetId, now) ?? null
  }

  get(id: number): OutboxRow | null {
    const raw = this.s.byId.get(id)
    return raw ? toOutboxRow(raw) : null
  }

  markDelivered(row: Pick<OutboxRow, 'id' | 'targetId' | 'orderingKey'>, at: number): boolean {
    const changed = this.s.delivered.run({ id: row.id, at }).changes === 1
    if (changed) this.s.promote.run({ t: row.targetId, k: row.orderingKey, now: at })
    return changed
  }

  /** Dead-letters a pending row with the reason; `attemptAt` null when it was not attempted (expiry). */
  markDead(
    row: Pick<OutboxRow, 'id' | 'targetId' | 'orderingKey'>,
    error: string,
    at: number,
    attemptAt: number | null,
  ): boolean {
    const changed =
      this.s.dead.run({ id: row.id, error, attemptAt, attempted: attemptAt === null ? 0 : 1 }).changes === 1
    if (changed) this.s.promote.run({ t: row.targetId, k: row.orderingKey, now: at })
    return changed
  }

  markRetry(
    row: Pick<OutboxRow, 'id' | 'targetId' | 'orderingKey'>,
    error: string,
    at: number,
    next: number,
  ) {
    this.s.retry.run({ id: row.id, t: row.targetId, k: row.orderingKey, error, at, next })
  }

  /** Dead rows of a target (of one lane when `key` is given) back to pending with a fresh deadline. */
  reviveDead(targetId: string, key: string | null, now: number, expiresAt: number, limit: number): number {
    const rows = this.s.deadOf.all(targetId, key, key, limit)
    for (const r of rows) this.s.revive.run({ id: r.id, expiresAt })
    for (const k of new Set(rows.map((r) => r.ordering_key))) this.s.settle.run({ t: targetId, k, now })
    return rows.length
  }

  /** One dead row back to pending; false when it is not dead. */
  reviveOne(
    row: Pick<OutboxRow, 'id' | 'targetId' | 'orderingKey'>,
    now: number,
    expiresAt: number,
  ): boolean {
    if (this.s.revive.run({ id: row.id, expiresAt }).changes !== 1) return false
    this.s.settle.run({ t: row.targetId, k: row.orderingKey, now })
    return true
  }

  /** Pending rows past their deadline, oldest first. */
  expired(targetId: string, now: number, limit: number): { id: number; orderingKey: string }[] {
    return this.s.expired.all(targetId, now, limit).map((r) => ({ id: r.id, orderingKey: r.ordering_key }))
  }

  /** Gives every pending row of the target at least until `expiresAt` (a target re-enabled after a pause). */
  extendDeadlines(targetId: string, expiresAt: number): number {
    return this.s.extend.run({ t: targetId, expiresAt }).changes
  }

  /** Pending rows and the creation time of the oldest, per target; dead rows per target. */
  stats(): Map<string, { pending: number; oldest: number | null; dead: number }> {
    const out = new Map<string, { pending: number; oldest: number | null; dead: number }>()
    for (const r of this.s.stats.all())
      out.set(r.target_id, { pending: r.pending, oldest: r.oldest, dead: 0 })
    for (const r of this.s.deadCounts.all()) {
      const entry = out.get(r.target_id) ?? { pending: 0, oldest: null, dead: 0 }
      out.set(r.target_id, { ...entry, dead: r.dead })
    }
    return out
  }

  /** Deletes up to `limit` rows delivered before `before`; returns how many. */
  purgeDelivered(before: number, limit: number): number {
    return this.s.purge.run(before, limit).changes
  }
}
