/**
 * Reads dead letters for the API, newest first, a page at a time. Keyset pagination on (received_at, id)
 * descending: new letters arriving while a client pages do not shift the pages it has not read yet.
 */
import type { ErrorCode } from '../errors.js'
import type { DeadLetterRecord } from '../model.js'
import type { Database } from './database.js'

export interface StoredDeadLetter extends DeadLetterRecord {
  id: number
}

/** Position before which the next (older) page starts. */
export interface DeadLetterKey {
  receivedAt: number
  id: number
}

export interface DeadLetterQuery {
  deviceId?: string
  reason?: ErrorCode
  /** Receive time, inclusive. */
  since?: number
  before?: DeadLetterKey
  limit: number
}

export interface DeadLetterPage {
  items: StoredDeadLetter[]
  /** Set when older letters match; pass it back as `before`. */
  next: DeadLetterKey | null
}

interface DeadLetterRow {
  id: number
  received_at: number
  device_id: string | null
  topic: string
  reason: ErrorCode
  detail: string
  batch_index: number | null
  sample: string
  payload_bytes: number
}

function toDeadLetter(row: DeadLetterRow): StoredDeadLetter {
  return {
    id: row.id,
    receivedAt: row.received_at,
    deviceId: row.device_id,
    topic: row.topic,
    reason: row.reason,
    detail: row.detail,
    index: row.batch_index,
    sample: row.sample,
    payloadBytes: row.payload_bytes,
  }
}

export class DeadLetterReader {
  constructor(private readonly db: Database) {}

  page(query: DeadLetterQuery): DeadLetterPage {
    // Only the filters given become clauses, so SQLite can pick the (device_id, received_at) index.
    const where = ['received_at >= ?']
    const params: (string | number)[] = [query.since ?? Number.MIN_SAFE_INTEGER]
    if (query.deviceId !== undefined) {
      where.push('device_id = ?')
      params.push(query.deviceId)
    }
    if (query.reason !== undefined) {
      where.push('reason = ?')
      params.push(query.reason)
    }
    if (query.before) {
      where.push('(received_at, id) < (?, ?)')
      params.push(query.before.receivedAt, query.before.id)
    }
    const rows = this.db
      .prepare<(string | number)[], DeadLetterRow>(
        `SELECT * FROM dead_letters WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id DESC LIMIT ?`,
      )
      .all(...params, query.limit + 1)
    const items = rows.slice(0, query.limit).map(toDeadLetter)
    const last = items.at(-1)
    return {
      items,
      next: rows.length > query.limit && last ? { receivedAt: last.receivedAt, id: last.id } : null,
    }
  }
}
