/**
 * Reading the outbox for operations (`GET /api/v1/outbox`): newest first, filtered by target, state and
 * waybill, a page at a time with a keyset on the row id (stable while the relay keeps writing).
 */
import type { Database } from '../../store/database.js'
import { type OutboxRow, type OutboxState, toOutboxRow } from './store.js'

export interface OutboxFilter {
  target?: string
  state?: OutboxState
  /** The ordering key: a waybill, or `alert:<id>`. */
  waybill?: string
  /** Rows with a smaller id (the previous page's `next`). */
  before?: number
  limit: number
}

export interface OutboxPage {
  items: OutboxRow[]
  next: number | null
}

export function outboxPage(db: Database, filter: OutboxFilter): OutboxPage {
  const where: string[] = []
  const args: unknown[] = []
  if (filter.target !== undefined) {
    where.push('target_id = ?')
    args.push(filter.target)
  }
  if (filter.state !== undefined) {
    where.push('state = ?')
    args.push(filter.state)
  }
  if (filter.waybill !== undefined) {
    where.push('ordering_key = ?')
    args.push(filter.waybill)
  }
  if (filter.before !== undefined) {
    where.push('id < ?')
    args.push(filter.before)
  }
  const sql = `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`
  const rows = (db.prepare(sql).all(...args, filter.limit + 1) as Parameters<typeof toOutboxRow>[0][]).map(
    toOutboxRow,
  )
  const items = rows.slice(0, filter.limit)
  const last = items.at(-1)
  return { items, next: rows.length > filter.limit && last ? last.id : null }
}
