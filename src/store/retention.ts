/**
 * Deletes raw readings older than the retention period (by device time), in bounded chunks so a large sweep
 * never holds the write lock for long. Runs at start and then every `retentionSweepMs`.
 */
import type { Config } from '../config.js'
import type { Logger } from '../log.js'
import type { Database } from './database.js'

const CHUNK = 5000
const DAY_MS = 86_400_000

export class Retention {
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly db: Database,
    private readonly options: Config['store'],
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  start(): void {
    if (this.options.retentionDays <= 0 || this.options.retentionSweepMs <= 0) return
    this.sweep()
    this.timer = setInterval(() => this.sweep(), this.options.retentionSweepMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** Deletes expired readings; returns how many. */
  sweep(): number {
    const cutoff = this.clock() - this.options.retentionDays * DAY_MS
    const del = this.db.prepare(
      'DELETE FROM readings WHERE id IN (SELECT id FROM readings WHERE ts < ? LIMIT ?)',
    )
    let total = 0
    for (;;) {
      const { changes } = del.run(cutoff, CHUNK)
      total += changes
      if (changes < CHUNK) break
    }
    if (total > 0)
      this.log.info({ deleted: total, cutoff: new Date(cutoff).toISOString() }, 'retention sweep')
    return total
  }
}
