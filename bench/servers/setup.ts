/**
 * What every benchmark server starts from: a configuration on a fresh temp data directory (ephemeral ports on
 * loopback, a fixed admin token, a cheaper scrypt cost so 1,000 devices connect quickly), its store opened for
 * seeding, and the shared device secret's hash. `overrides` adds sections on top (e.g. an enabled InfluxDB sink).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Gateway } from '../../gateway/gateway.js'
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

/** Readings stored since the last reset, and when the first and last of them were committed (performance.now). */
export interface StoredCount {
  count: number
  firstAt: number
  lastAt: number
  reset(): void
}

/**
 * Counts the readings each commit stores; `then` also sees every commit that stored some. The commit listeners
 * are told as each commit is made, so `firstAt`/`lastAt` are the first and last commit. (Until 2026-11-29 they
 * were told after the commit's fsync: under a burst the first of those callbacks waited behind the messages
 * already pouring in, so the first stamp came late and the rate came out too high — at QoS 0 by ~75 %.)
 */
export function countStored(gateway: Gateway, then?: (stored: number, at: number) => void): StoredCount {
  const c: StoredCount = {
    count: 0,
    firstAt: 0,
    lastAt: 0,
    reset() {
      c.count = 0
    },
  }
  gateway.onCommit((ctx) => {
    const n = ctx.stored.readings.length
    if (n === 0) return
    const now = performance.now()
    if (c.count === 0) c.firstAt = now
    c.count += n
    c.lastAt = now
    then?.(n, now)
  })
  return c
}
