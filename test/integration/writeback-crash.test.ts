/**
 * The writeback acceptance test (issue "Writeback"): a one-hour platform outage during which 10,000 events
 * are produced, with the relay process killed (SIGKILL) once in the middle of the delivery that follows. The
 * relay runs in a child process on the same SQLite file, on a fake clock this test drives; the sandbox (here,
 * on the same fake clock) verifies every signature and records what it received. After recovery: every event
 * arrived, each waybill in order, and the only duplicates are re-deliveries of the same event id.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoCredentials, type Sandbox, startSandbox } from '../../simulator/sandbox/index.js'
import { type Database, openDatabase } from '../../src/store/database.js'
import { OutboxWriter } from '../../src/writeback/outbox/writer.js'
import { SecretBox } from '../../src/writeback/secret-box.js'
import { TargetStore } from '../../src/writeback/targets-store.js'
import { node, target } from '../unit/writeback/fixtures.js'
import { FakeClock } from '../unit/writeback/relay/fake-clock.js'

const T0 = Date.parse('2026-03-01T02:00:00Z')
const HOUR = 3_600_000
const WAYBILLS = 500
const PER_WAYBILL = 20
const EVENTS = WAYBILLS * PER_WAYBILL
const KILL_AFTER = 3_000
const CHILD = join(import.meta.dirname, 'writeback-relay-child.ts')

const eventId = (waybill: number, seq: number) =>
  `W${String(waybill).padStart(3, '0')}-${String(seq).padStart(2, '0')}`

/** The relay child process and its IPC: one outstanding clock move at a time. */
class RelayProcess {
  private waiting: ((reply: { t?: number; ready?: boolean }) => void) | null = null
  readonly exited: Promise<void>

  constructor(readonly proc: ChildProcess) {
    proc.on('message', (reply: { t?: number; ready?: boolean }) => {
      const resolve = this.waiting
      this.waiting = null
      resolve?.(reply)
    })
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()))
  }

  next(): Promise<{ t?: number; ready?: boolean }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('relay child did not answer')), 20_000)
      this.waiting = (reply) => {
        clearTimeout(timer)
        resolve(reply)
      }
    })
  }

  async move(t: number, idle = false): Promise<void> {
    const answered = this.next()
    this.proc.send({ t, idle })
    await answered
  }
}

describe('writeback through a one-hour outage and a killed relay', () => {
  let dir: string
  let db: Database
  let sandbox: Sandbox
  const clock = new FakeClock(T0)
  const key = randomBytes(32).toString('hex')
  const children: RelayProcess[] = []

  async function spawnRelay(): Promise<RelayProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env,
        CC_TEST_DATA_DIR: dir,
        CC_TEST_DB_FILE: 'gateway.db',
        CC_TEST_KEY: key,
        CC_TEST_T0: String(clock.now()),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const child = new RelayProcess(proc)
    children.push(child)
    const ready = await child.next()
    expect(ready.ready).toBe(true)
    return child
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cc-writeback-crash-'))
    db = openDatabase(dir, {
      ...(await import('../../src/config.js')).loadConfig({}).store,
      synchronous: 'normal',
    })
    sandbox = await startSandbox({ port: 0, clock: clock.now })
    const targets = new TargetStore(db, new SecretBox(Buffer.from(key, 'hex')), clock.now)
    targets.create(target('webhook', sandbox.url, demoCredentials, { id: 'hook' }), {
      trailIntervalMs: 0,
      rateLimit: null,
      concurrency: 32,
    })
    sandbox.setFault('webhook', { outage: { from: T0, until: T0 + HOUR } })
  })

  afterAll(async () => {
    for (const c of children) c.proc.kill('SIGKILL')
    await Promise.all(children.map((c) => c.exited))
    await sandbox?.stop()
    db?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('delivers all 10,000 events, in order per waybill, re-delivering only the same event ids', async () => {
    const started = Date.now()
    const writer = new OutboxWriter(db, { carrier: 'SF', maxAgeMs: 3 * 24 * HOUR })
    let relay = await spawnRelay()

    // The outage hour: one minute at a time, the events of that minute are committed and the relay retries.
    for (let minute = 0; minute < 60; minute++) {
      const t = T0 + minute * 60_000
      clock.set(t)
      db.transaction(() => {
        for (let i = Math.ceil((minute * EVENTS) / 60); i < Math.ceil(((minute + 1) * EVENTS) / 60); i++) {
          const waybill = i % WAYBILLS
          const seq = Math.floor(i / WAYBILLS)
          const id = eventId(waybill, seq)
          writer.write(node({ eventId: id, waybill: `W${waybill}`, occurredAt: t, deviceTime: t - 1000 }), t)
        }
      }).immediate()
      await relay.move(t, true)
    }
    const duringOutage = sandbox.requests({ outcome: 'accepted' }).length

    // After the outage: time runs on while the backlog drains; the relay is killed part-way through.
    let t = T0 + HOUR
    let killedAt = -1
    const unique = () => new Set(sandbox.requests({ outcome: 'accepted' }).map((r) => r.eventId)).size
    while (unique() < EVENTS && Date.now() - started < 50_000) {
      t += 5_000
      clock.set(t)
      await relay.move(t)
      await new Promise((resolve) => setTimeout(resolve, 20))
      if (killedAt < 0 && unique() >= KILL_AFTER) {
        killedAt = unique()
        relay.proc.kill('SIGKILL')
        await relay.exited
        relay = await spawnRelay()
      }
    }

    const accepted = sandbox.requests({ outcome: 'accepted' })
    const rejected = sandbox.requests({ outcome: 'rejected' })
    const firsts = new Map<string, number>()
    const byWaybill = new Map<string, string[]>()
    const bodies = new Map<string, string>()
    let duplicates = 0
    for (const r of accepted) {
      const id = r.eventId as string
      const content = JSON.stringify((r.content as { data: unknown }).data)
      if (firsts.has(id)) {
        duplicates += 1
        expect(bodies.get(id), `re-delivery of ${id} carries the same event`).toBe(content)
        continue
      }
      firsts.set(id, r.seq)
      bodies.set(id, content)
      const list = byWaybill.get(r.waybill as string) ?? []
      list.push(id)
      byWaybill.set(r.waybill as string, list)
    }
    console.log(
      `writeback crash test: ${accepted.length} accepted (${duplicates} re-deliveries), ` +
        `${sandbox.requests({ outcome: 'fault' }).length} refused during the outage, killed after ${killedAt}, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`,
    )

    expect(duringOutage).toBe(0)
    expect(rejected).toEqual([])
    expect(killedAt).toBeGreaterThanOrEqual(KILL_AFTER)
    expect(firsts.size).toBe(EVENTS) // none lost
    for (let w = 0; w < WAYBILLS; w++) {
      const expected = Array.from({ length: PER_WAYBILL }, (_, seq) => eventId(w, seq))
      expect(byWaybill.get(`W${w}`), `waybill W${w} in order`).toEqual(expected)
    }
    expect(duplicates).toBeLessThanOrEqual(32) // at most what was in flight when the relay died
    const states = db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all()
    expect(states).toEqual([{ state: 'delivered', n: EVENTS }])
  }, 60_000)
})
