/**
 * The engine parameters of a waybill: its profile (for a merged waybill, the strictest of its orders', stored
 * on the waybill with the override that makes it so; src/orders/strictness.ts) resolved against the profile
 * store, with the override applied. Waybills with the same profile and override share one params object, so
 * "did the profile change?" is an identity check (monitor.ts re-evaluates a waybill when it did).
 */
import {
  type EngineParams,
  type ProfileOverride,
  resolveProfile,
  type WindowOptions,
} from '../rules/index.js'
import type { Database } from '../store/database.js'
import type { ProfileStore } from './profile-store.js'

/** What the engine evaluates a waybill with. */
export interface WaybillParams {
  params: EngineParams
  profileName: string
}

interface WaybillRow {
  profile: string
  profile_override: string | null
}

export class WaybillParamsResolver {
  private readonly byWaybill = new Map<string, WaybillParams>()
  private readonly shared = new Map<string, WaybillParams | null>()
  private generation = -1
  private readonly row

  constructor(
    db: Database,
    private readonly profiles: ProfileStore,
    private readonly window: WindowOptions,
    private readonly maxEntries: number,
  ) {
    this.row = db.prepare<[string], WaybillRow>('SELECT profile, profile_override FROM waybills WHERE no = ?')
  }

  /**
   * The waybill's params, or null when it cannot be evaluated: no such waybill (scans may come before their
   * order), or a profile that no longer resolves (deleted name, override invalid under an edited base).
   */
  of(no: string): WaybillParams | null {
    if (this.generation !== this.profiles.generation) {
      this.byWaybill.clear()
      this.shared.clear()
      this.generation = this.profiles.generation
    }
    const cached = this.byWaybill.get(no)
    if (cached) return cached
    const row = this.row.get(no)
    if (!row) return null
    const key = `${row.profile}\u0000${row.profile_override ?? ''}`
    let value = this.shared.get(key)
    if (value === undefined) {
      value = this.resolve(row)
      this.shared.set(key, value)
    }
    if (value) {
      if (this.byWaybill.size >= this.maxEntries) this.byWaybill.clear()
      this.byWaybill.set(no, value)
    }
    return value
  }

  private resolve(row: WaybillRow): WaybillParams | null {
    const base = this.profiles.get(row.profile)
    if (!base) return null
    const override = row.profile_override ? (JSON.parse(row.profile_override) as ProfileOverride) : {}
    try {
      return {
        params: { profile: resolveProfile(base, override), window: this.window },
        profileName: row.profile,
      }
    } catch {
      return null
    }
  }
}
