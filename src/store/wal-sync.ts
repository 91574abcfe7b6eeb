/**
 * Durability off the event loop. better-sqlite3 is synchronous: a commit at `synchronous=FULL` blocks the only
 * JavaScript thread for the WAL's fsync (0.5 ms on a quiet disk, tens of milliseconds on a busy one), and every
 * message arriving meanwhile waits. The group commit therefore commits at `synchronous=NORMAL` — in WAL mode the
 * store stays consistent, and SQLite still syncs the log before each checkpoint and when the log starts over — and
 * then asks this unit to make the log durable: `fdatasync` of the WAL file in libuv's thread pool, after which
 * every frame written before it began is on disk, so the commit survives power loss like a FULL one. Only then
 * are the messages acknowledged.
 *
 * Syncs coalesce: at most one runs; callers arriving while it runs share the next one, which starts when it
 * ends (the running one may have begun before their commit was written).
 */
import { closeSync, fdatasync, openSync } from 'node:fs'

export class WalSync {
  private fd: number | null = null
  private running: Promise<void> | null = null
  private queued: Promise<void> | null = null

  /** `walPath`: the database file's path plus `-wal`; `datasync` is replaceable for tests. */
  constructor(
    private readonly walPath: string,
    private readonly datasync: typeof fdatasync = fdatasync,
  ) {}

  /** Resolves once every commit made before the call is on disk. */
  sync(): Promise<void> {
    if (this.queued) return this.queued
    if (!this.running) return this.begin()
    const queued = this.running.then(noop, noop).then(() => {
      this.queued = null
      return this.begin()
    })
    this.queued = queued
    return queued
  }

  /** Waits for the syncs under way, then closes the file. */
  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.queued])
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }

  private begin(): Promise<void> {
    const running = this.fdatasync()
    this.running = running
    const done = () => {
      if (this.running === running) this.running = null
    }
    running.then(done, done)
    return running
  }

  private fdatasync(): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        // The log exists from the first commit on; opened once and kept (SQLite reuses the same file).
        this.fd ??= openSync(this.walPath, 'r+')
      } catch (err) {
        reject(err)
        return
      }
      this.datasync(this.fd, (err) => (err ? reject(err) : resolve()))
    })
  }
}

const noop = () => {}
