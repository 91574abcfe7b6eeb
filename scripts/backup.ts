/**
 * `npm run backup -- <destination file>` — an online, consistent copy of the SQLite store while the gateway
 * runs (SQLite's backup API through better-sqlite3; WAL mode lets writers go on meanwhile). Reads the same
 * configuration as the gateway to find the database.
 */
import BetterSqlite3 from 'better-sqlite3'
import { loadConfig } from '../src/config.js'
import { databasePath } from '../src/store/database.js'

const destination = process.argv[2]
if (!destination || destination === '--help') {
  console.error('usage: npm run backup -- <destination.db>')
  process.exit(destination ? 0 : 64)
}
const config = loadConfig()
const source = databasePath(config.dataDir, config.store.file)
const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true })
const started = Date.now()
await db.backup(destination, {
  progress: ({ totalPages, remainingPages }) => {
    process.stderr.write(`\rcopied ${totalPages - remainingPages}/${totalPages} pages`)
    return 1000
  },
})
db.close()
process.stderr.write(`\nbacked up ${source} to ${destination} in ${Date.now() - started} ms\n`)
