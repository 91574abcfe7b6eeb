/** The device registry: who may connect, as what kind, mounted in which container. */
import { AppError } from '../errors.js'
import type { DeviceKind } from '../model.js'
import type { Database } from './database.js'

export interface Device {
  id: string
  kind: DeviceKind
  label: string
  container: string | null
  enabled: boolean
  createdAt: number
  updatedAt: number
  lastSeenAt: number | null
}

interface DeviceRow {
  id: string
  kind: DeviceKind
  label: string
  container: string | null
  secret_hash: string
  enabled: number
  created_at: number
  updated_at: number
  last_seen_at: number | null
}

/** Device ids become topic levels: no wildcards, no slashes, no control characters. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    container: row.container,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastSeenAt: row.last_seen_at,
  }
}

export class DeviceRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: () => number = Date.now,
  ) {}

  create(input: {
    id: string
    kind: DeviceKind
    label?: string
    container?: string | null
    secretHash: string
  }): Device {
    if (!DEVICE_ID_PATTERN.test(input.id)) {
      throw new AppError(
        'VALIDATION_FAILED',
        `device id ${JSON.stringify(input.id)} must match ${DEVICE_ID_PATTERN}`,
      )
    }
    const now = this.clock()
    const result = this.db
      .prepare(
        `INSERT INTO devices (id, kind, label, container, secret_hash, enabled, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(input.id, input.kind, input.label ?? '', input.container ?? null, input.secretHash, now, now)
    if (result.changes === 0) throw new AppError('CONFLICT', `device ${input.id} exists already`)
    return this.get(input.id) as Device
  }

  get(id: string): Device | null {
    const row = this.db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?').get(id)
    return row ? toDevice(row) : null
  }

  /** The device and its secret hash, for authentication only. */
  credentials(id: string): { device: Device; secretHash: string } | null {
    const row = this.db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?').get(id)
    return row ? { device: toDevice(row), secretHash: row.secret_hash } : null
  }

  /** Devices ordered by id, after `after` (keyset pagination). */
  list(options: { kind?: DeviceKind; after?: string; limit: number }): Device[] {
    const rows = this.db
      .prepare<[string | null, string | null, string | null, string | null, number], DeviceRow>(
        `SELECT * FROM devices WHERE (? IS NULL OR kind = ?) AND (? IS NULL OR id > ?) ORDER BY id LIMIT ?`,
      )
      .all(
        options.kind ?? null,
        options.kind ?? null,
        options.after ?? null,
        options.after ?? null,
        options.limit,
      )
    return rows.map(toDevice)
  }

  update(
    id: string,
    changes: { label?: string; container?: string | null; enabled?: boolean; secretHash?: string },
  ): Device {
    const current = this.credentials(id)
    if (!current) throw new AppError('NOT_FOUND', `no device ${id}`)
    this.db
      .prepare(
        'UPDATE devices SET label = ?, container = ?, enabled = ?, secret_hash = ?, updated_at = ? WHERE id = ?',
      )
      .run(
        changes.label ?? current.device.label,
        changes.container === undefined ? current.device.container : changes.container,
        (changes.enabled ?? current.device.enabled) ? 1 : 0,
        changes.secretHash ?? current.secretHash,
        this.clock(),
        id,
      )
    return this.get(id) as Device
  }

  /** Devices mounted in a container (a truck or a box), for custody joins. */
  inContainer(container: string): Device[] {
    return this.db
      .prepare<[string], DeviceRow>('SELECT * FROM devices WHERE container = ? ORDER BY id')
      .all(container)
      .map(toDevice)
  }
}
