/**
 * Bulk intake for platforms that push orders in batches: a JSON array or NDJSON (one order per line). Each
 * order is created in its own savepoint inside one transaction (one fsync for the batch), so a bad order is
 * reported with its reason and the others go in.
 */
import { AppError, type ErrorCode, isAppError } from '../errors.js'
import type { Database } from '../store/database.js'
import type { CreateResult } from './model.js'

/** The outcome for one order of a batch, at its position (and NDJSON line, when it came from NDJSON). */
export type BulkResult =
  | { index: number; line?: number; status: 'created' | 'existing'; orderId: string; waybills: string[] }
  | {
      index: number
      line?: number
      status: 'error'
      error: { code: ErrorCode; message: string; details?: unknown }
    }

/** One record of an NDJSON body: its value, or why it is not JSON. */
export type NdjsonRecord = { line: number; value: unknown } | { line: number; error: string }

/** Splits NDJSON into records; blank lines are skipped, a line that is not JSON becomes an error record. */
export function parseNdjson(text: string): NdjsonRecord[] {
  const records: NdjsonRecord[] = []
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '') return
    try {
      records.push({ line: i + 1, value: JSON.parse(line) as unknown })
    } catch (err) {
      records.push({ line: i + 1, error: `not JSON: ${(err as Error).message}` })
    }
  })
  return records
}

function failure(err: unknown): { code: ErrorCode; message: string; details?: unknown } {
  if (isAppError(err)) return err.toJSON()
  return { code: 'INTERNAL', message: (err as Error)?.message ?? String(err) }
}

/** Creates each order; never throws for one order's fault. `maxItems` bounds the batch as a whole. */
export function bulkCreate(
  db: Database,
  create: (input: unknown) => CreateResult,
  inputs: readonly (NdjsonRecord | { value: unknown; line?: undefined })[],
  maxItems: number,
): BulkResult[] {
  if (inputs.length > maxItems) {
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `a batch holds at most ${maxItems} orders, this one ${inputs.length}`,
    )
  }
  return db.transaction(() =>
    inputs.map((record, index): BulkResult => {
      const at = record.line === undefined ? { index } : { index, line: record.line }
      if ('error' in record) {
        return { ...at, status: 'error', error: { code: 'VALIDATION_FAILED', message: record.error } }
      }
      try {
        const result = create(record.value)
        return {
          ...at,
          status: result.created ? 'created' : 'existing',
          orderId: result.order.id,
          waybills: result.waybills.map((w) => w.no),
        }
      } catch (err) {
        return { ...at, status: 'error', error: failure(err) }
      }
    }),
  )()
}
