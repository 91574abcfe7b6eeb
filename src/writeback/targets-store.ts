/**
 * Writeback targets as stored (`/api/v1/platforms`): the validated target (adapters/targets.ts) plus delivery
 * settings and a status. Credentials are sealed with the SecretBox before they touch the store and opened only
 * here; every change bumps `writeback_state.generation`, so the relay and the outbox step reload cheaply.
 *
 * Status: `active` delivers; `paused` (switched off by a person) neither enqueues nor delivers; `gone` (the
 * platform answered 410) keeps enqueueing, so nothing is lost, but delivers nothing until re-enabled.
 */
import { z } from 'zod'
import { AppError } from '../errors.js'
import type { Database } from '../store/database.js'
import { type Target, type TargetKind, targetSchema } from './adapters/targets.js'
import type { SecretBox } from './secret-box.js'

export const targetStatuses = ['active', 'paused', 'gone'] as const
export type TargetStatus = (typeof targetStatuses)[number]

/** Delivery settings of a target, beside what the adapter needs. */
export const targetSettingsSchema = z.object({
  /** Temperature trail batch period per waybill; 0 = no trail batches. Default 15 min. */
  trailIntervalMs: z
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .refine((v) => v === 0 || v >= 60_000, 'at least one minute, or 0 for none')
    .default(15 * 60_000),
  /** Token bucket: sustained requests per second and the burst above it; null = unlimited. */
  rateLimit: z
    .object({ perSecond: z.number().positive().max(100_000), burst: z.number().int().min(1).max(100_000) })
    .nullable()
    .default(null),
  /** Concurrent requests to this target; null = `writeback.concurrency`. */
  concurrency: z.number().int().min(1).max(256).nullable().default(null),
})
export type TargetSettings = z.infer<typeof targetSettingsSchema>

export interface StoredTarget extends TargetSettings {
  target: Target
  status: TargetStatus
  statusReason: string | null
  statusAt: number | null
  createdAt: number
  updatedAt: number
}

export interface TargetRow {
  id: string
  kind: TargetKind
  settings: string
  credentials: string
  trail_interval_ms: number
  rate_per_s: number | null
  rate_burst: number | null
  concurrency: number | null
  status: TargetStatus
  status_reason: string | null
  status_at: number | null
  created_at: number
  updated_at: number
}

function statements(db: Database) {
  return {
    all: db.prepare<[], TargetRow>('SELECT * FROM writeback_targets ORDER BY id'),
    one: db.prepare<[string], TargetRow>('SELECT * FROM writeback_targets WHERE id = ?'),
    insert: db.prepare(
      `INSERT INTO writeback_targets (id, kind, settings, credentials, trail_interval_ms, rate_per_s, rate_burst,
                                      concurrency, status, status_reason, status_at, created_at, updated_at)
       VALUES (@id, @kind, @settings, @credentials, @trail_interval_ms, @rate_per_s, @rate_burst, @concurrency,
               @status, @status_reason, @status_at, @created_at, @updated_at)`,
    ),
    update: db.prepare(
      `UPDATE writeback_targets SET settings = @settings, credentials = @credentials,
              trail_interval_ms = @trail_interval_ms, rate_per_s = @rate_per_s, rate_burst = @rate_burst,
              concurrency = @concurrency, status = @status, status_reason = @status_reason,
              status_at = @status_at, updated_at = @updated_at
        WHERE id = @id`,
    ),
    generation: db.prepare<[], number>('SELECT generation FROM writeback_state WHERE id = 1').pluck(),
    bump: db.prepare('UPDATE writeback_state SET generation = generation + 1 WHERE id = 1'),
  }
}

export class TargetStore {
  private readonly s: ReturnType<typeof statements>

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly clock: () => number = Date.now,
  ) {
    this.s = statements(db)
  }

  /** Increases whenever any target changes. */
  generation(): number {
    return this.s.generation.get() ?? 0
  }

  create(target: Target, settings: TargetSettings, enabled = true): StoredTarget {
    if (this.s.one.get(target.id)) throw new AppError('CONFLICT', `target ${target.id} exists already`)
    const now = this.clock()
    const stored: StoredTarget = {
      ...settings,
      target,
      status: enabled ? 'active' : 'paused',
      statusReason: enabled ? null : 'created disabled',
      statusAt: enabled ? null : now,
      createdAt: now,
      updatedAt: now,
    }
    this.db.transaction(() => {
      this.s.insert.run(this.toRow(stored))
      this.s.bump.run()
    })()
    return stored
  }

  get(id: string): StoredTarget | null {
    const row = this.s.one.get(id)
    return row ? this.fromRow(row) : null
  }

  list(): StoredTarget[] {
    return this.s.all.all().map((row) => this.fromRow(row))
  }

  /** Replaces a stored target (validated by the caller); bumps the generation. */
  save(stored: StoredTarget): StoredTarget {
    const next = { ...stored, updatedAt: this.clock() }
    this.db.transaction(() => {
      if (this.s.update.run(this.toRow(next)).changes !== 1) {
        throw new AppError('NOT_FOUND', `no target ${stored.target.id}`)
      }
      this.s.bump.run()
    })()
    return next
  }

  /** Sets the status with its reason (410 from the relay, a person pausing or re-enabling). */
  setStatus(id: string, status: TargetStatus, reason: string | null): StoredTarget {
    const stored = this.get(id)
    if (!stored) throw new AppError('NOT_FOUND', `no target ${id}`)
    return this.save({ ...stored, status, statusReason: reason, statusAt: this.clock() })
  }

  private toRow(s: StoredTarget): TargetRow {
    const { credentials, id, kind, ...settings } = s.target
    return {
      id,
      kind,
      settings: JSON.stringify(settings),
      credentials: this.box.seal(JSON.stringify(credentials), id),
      trail_interval_ms: s.trailIntervalMs,
      rate_per_s: s.rateLimit?.perSecond ?? null,
      rate_burst: s.rateLimit?.burst ?? null,
      concurrency: s.concurrency,
      status: s.status,
      status_reason: s.statusReason,
      status_at: s.statusAt,
      created_at: s.createdAt,
      updated_at: s.updatedAt,
    }
  }

  private fromRow(row: TargetRow): StoredTarget {
    let credentials: unknown
    try {
      credentials = JSON.parse(this.box.open(row.credentials, row.id))
    } catch {
      // The message names the target only: the cause is the key, and nothing secret may reach a log.
      throw new AppError(
        'CONFIG_INVALID',
        `cannot open the credentials of target ${row.id}: was writeback.secretKey (or its key file) changed?`,
      )
    }
    const target = targetSchema.parse({
      ...JSON.parse(row.settings),
      id: row.id,
      kind: row.kind,
      credentials,
    })
    return {
      target,
      trailIntervalMs: row.trail_interval_ms,
      rateLimit: row.rate_per_s === null ? null : { perSecond: row.rate_per_s, burst: row.rate_burst ?? 1 },
      concurrency: row.concurrency,
      status: row.status,
      statusReason: row.status_reason,
      statusAt: row.status_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }
  }
}
