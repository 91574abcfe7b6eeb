/**
 * Durable sink cursors (table `sink_cursors`, migration 002): per stream, the id of the last row the sink's
 * server acknowledged. Advanced only after the acknowledgement, so whatever follows the cursor is re-sent after
 * an outage or a restart.
 */
import type { Database } from '../../src/store/database.js'

export class SinkCursors {
  private readonly select
  private readonly upsert

  constructor(db: Database) {
    this.select = db.prepare<[string], { last_id: number }>('SELECT last_id FROM sink_cursors WHERE name = ?')
    this.upsert = db.prepare<[string, number, number]>(
      `INSERT INTO sink_cursors (name, last_id, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id, updated_at = excluded.updated_at`,
    )
  }

  /** The last acknowledged id; 0 before the first acknowledgement (a new sink sends the whole table). */
  get(name: string): number {
    return this.select.get(name)?.last_id ?? 0
  }

  set(name: string, lastId: number, at: number): void {
    this.upsert.run(name, lastId, at)
  }
}
