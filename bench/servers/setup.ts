/**
 * What every benchmark server starts from: a configuration on a fresh temp data directory (ephemeral ports on
 * loopback, a fixed admin token, a cheaper scrypt cost so 1,000 devices connect quickly), its store opened for
 * seeding, and the shared device secret's hash. `overrides` adds sections on top (e.g. an enabled InfluxDB sink).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashSecret } from '../../src/auth/secrets.js'
import { type ConfigInput, loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/store/database.js'

export const benchDevices = Number(process.env.BENCH_DEVICES ?? 1000)
export const benchSecret = process.env.BENCH_SECRET ?? 'bench-secret'

export async function benchSetup(prefix: string, overrides: ConfigInput = {}) {
  const config = loadConfig(
    {},
    {
      dataDir: mkdtempSync(join(tmpdir(), prefix)),
      log: { level: 'warn' },
      mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
      http: { host: '127.0.0.1', port: 0, adminToken: 'bench-admin-token-0000000000' },
      auth: { scryptLog2N: 12 },
      ...overrides,
      // BENCH_CONFIG: sections to try side by side, e.g. {"store":{"groupCommitMs":0}}.
      ...JSON.parse(process.env.BENCH_CONFIG ?? '{}'),
    },
  )
  const setup = openDatabase(config.dataDir, config.store)
  const secretHash = await hashSecret(benchSecret, config.auth.scryptLog2N)
  return { config, setup, secretHash }
}
