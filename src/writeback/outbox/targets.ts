/**
 * What the outbox writer knows of the targets: kind, subscribed events, merchant scope and status, never the
 * credentials (so writing rows needs no key). Cached until `writeback_state.generation` changes: one tiny read
 * per commit that has something to write back.
 */
import type { Database } from '../../store/database.js'
import { adapterFor } from '../adapters/index.js'
import type { TargetStatus } from '../targets-store.js'
import type { TargetKind, WritebackEvent, WritebackEventType } from '../types.js'
import { ordersOf } from '../types.js'

export interface TargetMeta {
  id: string
  kind: TargetKind
  events?: WritebackEventType[]
  merchantId?: string
  status: TargetStatus
  trailIntervalMs: number
  createdAt: number
}

interface MetaRow {
  id: string
  kind: TargetKind
  settings: string
  status: TargetStatus
  trail_interval_ms: number
  created_at: number
}

/**
 * `targetAccepts` (adapters/index.ts) on a target without credentials: the adapter can carry the event, the
 * target subscribed to its type, and a per-merchant target sees only its merchant's orders.
 */
export function metaAccepts(meta: TargetMeta, event: WritebackEvent): boolean {
  if (!adapterFor(meta.kind).accepts(event)) return false
  if (meta.events && !meta.events.includes(event.type)) return false
  if (meta.merchantId === undefined) return true
  return ordersOf(event).some((o) => o.merchantId === meta.merchantId)
}

/** Whether rows are written for the target: paused targets take none; gone ones keep them for later. */
export const enqueues = (meta: TargetMeta): boolean => meta.status !== 'paused'

export class TargetDirectory {
  private readonly rows
  private readonly generationOf
  private cached: { generation: number; metas: TargetMeta[] } | null = null

  constructor(db: Database) {
    this.rows = db.prepare<[], MetaRow>(
      'SELECT id, kind, settings, status, trail_interval_ms, created_at FROM writeback_targets ORDER BY id',
    )
    this.generationOf = db.prepare<[], number>('SELECT generation FROM writeback_state WHERE id = 1').pluck()
  }

  generation(): number {
    return this.generationOf.get() ?? 0
  }

  all(): TargetMeta[] {
    const generation = this.generation()
    if (this.cached?.generation === generation) return this.cached.metas
    const metas = this.rows.all().map((row): TargetMeta => {
      const settings = JSON.parse(row.settings) as { events?: WritebackEventType[]; merchantId?: string }
      return {
        id: row.id,
        kind: row.kind,
        ...(settings.events ? { events: settings.events } : {}),
        ...(settings.merchantId !== undefined ? { merchantId: settings.merchantId } : {}),
        status: row.status,
        trailIntervalMs: row.trail_interval_ms,
        createdAt: row.created_at,
      }
    })
    this.cached = { generation, metas }
    return metas
  }
}
