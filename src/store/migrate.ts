/**
 * Versioned migrations: each runs once, in order, in its own transaction, and bumps `PRAGMA user_version`.
 * A database newer than this code refuses to open rather than be misread.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '../errors.js'
import { migrations } from './migrations/index.js'

export function migrate(db: BetterSqlite3.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number
  const latest = migrations.at(-1)?.version ?? 0
  if (current > latest) {
    throw new AppError(
      'STORE_UNAVAILABLE',
      `database schema v${current} is newer than this gateway (v${latest})`,
    )
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue
    db.transaction(() => {
      db.exec(migration.sql)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
  return latest
}
