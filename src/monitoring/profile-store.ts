/**
 * The temperature profiles the engine evaluates against: the defaults of specs/cold-chain.md, edited or added
 * through the API (issue 3: profiles "editable through the API"). Edits are kept in `temperature_profiles` and
 * in memory; every change bumps `generation`, and a waybill whose resolved profile changed is re-evaluated on
 * its next evaluation (params.ts). One store per database (`profilesOf`), shared by the API and the engine.
 */
import { z } from 'zod'
import { AppError } from '../errors.js'
import {
  type DefaultProfileName,
  defaultProfiles,
  type ProfileOverride,
  resolveProfile,
  type TemperatureProfile,
  temperatureProfileSchema,
} from '../rules/profiles.js'
import type { Database } from '../store/database.js'

/** A profile name: it appears in order bodies and URLs. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/

/** `default`: as shipped; `edited`: a default changed through the API; `custom`: added through the API. */
export type ProfileSource = 'default' | 'edited' | 'custom'

export interface StoredProfile {
  profile: TemperatureProfile
  source: ProfileSource
  updatedAt: number | null
  updatedBy: string | null
}

interface Row {
  name: string
  body: string
  updated_at: number
  updated_by: string
}

const isDefault = (name: string): name is DefaultProfileName => Object.hasOwn(defaultProfiles, name)

export class ProfileStore {
  private edits = new Map<string, StoredProfile>()
  /** Bumped by every change, so resolved profiles cached elsewhere are recomputed. */
  generation = 0
  private readonly s

  constructor(db: Database) {
    this.s = {
      all: db.prepare<[], Row>('SELECT * FROM temperature_profiles ORDER BY name'),
      upsert: db.prepare(
        `INSERT INTO temperature_profiles (name, body, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at,
                                          updated_by = excluded.updated_by`,
      ),
    }
    this.reload()
  }

  /** Reads the edits from the store (at start; tests call it after writing rows themselves). */
  reload(): void {
    const edits = new Map<string, StoredProfile>()
    for (const row of this.s.all.all()) {
      // Rows were validated when written; a row that no longer parses (schema change) is skipped, not fatal.
      const parsed = temperatureProfileSchema.safeParse(JSON.parse(row.body))
      if (!parsed.success) continue
      edits.set(row.name, {
        profile: parsed.data,
        source: isDefault(row.name) ? 'edited' : 'custom',
        updatedAt: row.updated_at,
        updatedBy: row.updated_by,
      })
    }
    this.edits = edits
    this.generation++
  }

  /** The profile as it applies now, or null when no profile has that name. */
  get(name: string): TemperatureProfile | null {
    return this.entry(name)?.profile ?? null
  }

  entry(name: string): StoredProfile | null {
    const edited = this.edits.get(name)
    if (edited) return edited
    return isDefault(name)
      ? { profile: defaultProfiles[name], source: 'default', updatedAt: null, updatedBy: null }
      : null
  }

  /**
   * Refuses what the engine could not evaluate: an unknown profile name, or an override that makes the
   * profile invalid (bounds crossed, hysteresis too wide). Throws VALIDATION_FAILED.
   */
  check(name: string, override: ProfileOverride | undefined): void {
    const base = this.get(name)
    if (!base) {
      const known = this.list().map((e) => e.profile.name)
      throw new AppError('VALIDATION_FAILED', `unknown profile ${name}; known: ${known.join(', ')}`, {
        issues: [{ path: 'profile', message: 'unknown profile' }],
      })
    }
    resolveProfile(base, override ?? {})
  }

  /** Every profile: the defaults (as edited) then the added ones, by name. */
  list(): StoredProfile[] {
    const names = new Set<string>([...Object.keys(defaultProfiles), ...this.edits.keys()])
    return [...names].sort().flatMap((name) => this.entry(name) ?? [])
  }

  /**
   * Replaces (or adds) a profile after validating it; the path's name wins over the body's. Returns whether it
   * was added. Throws VALIDATION_FAILED naming each bad field.
   */
  put(name: string, input: unknown, by: string, now: number): { created: boolean; entry: StoredProfile } {
    if (!PROFILE_NAME.test(name)) {
      throw new AppError('VALIDATION_FAILED', `bad profile name ${JSON.stringify(name)}`)
    }
    const body = typeof input === 'object' && input !== null ? { ...input, name } : input
    const parsed = temperatureProfileSchema.safeParse(body)
    if (!parsed.success) {
      throw new AppError(
        'VALIDATION_FAILED',
        `invalid temperature profile: ${z.prettifyError(parsed.error)}`,
        {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      )
    }
    const created = this.entry(name) === null
    this.s.upsert.run(name, JSON.stringify(parsed.data), now, by)
    const entry: StoredProfile = {
      profile: parsed.data,
      source: isDefault(name) ? 'edited' : 'custom',
      updatedAt: now,
      updatedBy: by,
    }
    this.edits.set(name, entry)
    this.generation++
    return { created, entry }
  }
}

const stores = new WeakMap<Database, ProfileStore>()

/** The profile store of a database, created on first use. */
export function profilesOf(db: Database): ProfileStore {
  let store = stores.get(db)
  if (!store) {
    store = new ProfileStore(db)
    stores.set(db, store)
  }
  return store
}
