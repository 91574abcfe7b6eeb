/**
 * Opens the SQLite system of record (better-sqlite3 12, WAL) and brings its schema up to date.
 * One connection, used from the event loop only: better-sqlite3 is synchronous, so statements never interleave.
 */
import { mkdirSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import type { Config } from '../config.js'
import { migrate } from './migrate.js'

export type Database = BetterSqlite3.Database

export function databasePath(dataDir: string, file: string): string {
  if (file === ':memory:') return file
  return isAbsolute(file) ? file : resolve(dataDir, file)
}

export function openDatabase(dataDir: string, options: Config['store']): Database {
  const path = databasePath(dataDir, options.file)
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new BetterSqlite3(path)
  db.pragma('journal_mode = WAL')
  // In WAL mode FULL syncs the log at every commit, so what the API acknowledges survives power loss too. The
  // group commit commits at NORMAL and syncs the log itself, off the event loop, before it acknowledges
  // (wal-sync.ts); one fsync covers many messages.
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('temp_store = MEMORY')
  migrate(db)
  return db
}
