/**
 * The gateway under benchmark: started in-process on embedded defaults (SQLite in a temp dir, group commit,
 * synchronous=FULL), with the benchmark's devices registered. Counts stored readings through the commit hook.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Gateway } from '../../gateway/gateway.js'
import { hashSecret } from '../../src/auth/secrets.js'
import { loadConfig } from '../../src/config.js'
import { createLogger } from '../../src/log.js'
import { openDatabase } from '../../src/store/database.js'
import { DeviceRepository } from '../../src/store/devices.js'

const devices = Number(process.env.BENCH_DEVICES ?? 1000)
const secret = process.env.BENCH_SECRET ?? 'bench-secret'
const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-'))
const config = loadConfig(
  {},
  {
    dataDir,
    log: { level: 'warn' },
    mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
    http: { host: '127.0.0.1', port: 0, adminToken: 'bench-admin-token-0000000000' },
    auth: { scryptLog2N: 12 },
  },
)
const setup = openDatabase(dataDir, config.store)
const repo = new DeviceRepository(setup)
const secretHash = await hashSecret(secret, config.auth.scryptLog2N)
setup.transaction(() => {
  for (let i = 0; i < devices; i++) repo.create({ id: `dev-${i}`, kind: 'box_sensor', secretHash })
})()
setup.close()

const gateway = new Gateway(config, { log: createLogger(config.log) })
let count = 0
let firstAt = 0
let lastAt = 0
gateway.onCommit((ctx) => {
  const n = ctx.stored.readings.length
  if (n === 0) return
  const now = performance.now()
  if (count === 0) firstAt = now
  count += n
  lastAt = now
})
const ports = await gateway.start()
process.send?.({ type: 'ready', port: ports.mqtt })
process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'stats') process.send?.({ type: 'stats', count, firstAt, lastAt })
  if (msg.type === 'reset') count = 0
  if (msg.type === 'stop') {
    await gateway.stop()
    process.exit(0)
  }
})
