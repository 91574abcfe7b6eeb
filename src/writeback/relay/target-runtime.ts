/**
 * The relay's in-memory state of one target: the lanes in flight (one request per lane at a time keeps each
 * waybill in order), the token bucket, and a pause set by the platform's Retry-After. Nothing here needs to
 * survive a restart: the outbox rows are the truth, and in-flight rows are simply still pending.
 */
import type { StoredTarget } from '../targets-store.js'
import { TokenBucket } from './token-bucket.js'

export class TargetRuntime {
  /** Ordering keys with a request in flight. */
  readonly lanes = new Set<string>()
  /** Row ids in flight (the dead-letter sweep leaves them alone). */
  readonly rows = new Set<number>()
  bucket: TokenBucket | null = null
  /** No request before this (a platform's Retry-After pauses the whole target, not one lane). */
  pausedUntil = 0

  constructor(
    public stored: StoredTarget,
    private readonly defaultConcurrency: number,
    now: number,
  ) {
    this.update(stored, now)
  }

  get id(): string {
    return this.stored.target.id
  }

  get active(): boolean {
    return this.stored.status === 'active'
  }

  get concurrency(): number {
    return this.stored.concurrency ?? this.defaultConcurrency
  }

  get free(): number {
    return this.concurrency - this.lanes.size
  }

  /** New settings; the bucket is rebuilt only when the rate changed (a burst is not refilled by an edit). */
  update(stored: StoredTarget, now: number): void {
    const before = this.stored.rateLimit
    const after = stored.rateLimit
    const changed = before?.perSecond !== after?.perSecond || before?.burst !== after?.burst
    this.stored = stored
    if (!after) this.bucket = null
    else if (changed || !this.bucket) this.bucket = new TokenBucket(after.perSecond, after.burst, now)
  }
}
