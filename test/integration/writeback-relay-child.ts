/**
 * A relay process for the crash test (writeback-crash.test.ts): the real Relay on the test's SQLite file, on a
 * fake clock the parent drives over IPC. Messages in: `{ t }` moves the clock to t; `{ t, idle: true }` also
 * waits until no request is in flight. Messages out: `{ ready: true }` once started, `{ t, inFlight }` after
 * each move. The parent ends it with SIGKILL: nothing here gets to clean up, which is the point.
 */
import { loadConfig } from '../../src/config.js'
import { createLogger } from '../../src/log.js'
import { Metrics } from '../../src/metrics.js'
import { openDatabase } from '../../src/store/database.js'
import { Relay } from '../../src/writeback/relay/relay.js'
import { loadSecretBox } from '../../src/writeback/secret-box.js'
import { TargetStore } from '../../src/writeback/targets-store.js'
import { FakeClock, settle } from '../unit/writeback/relay/fake-clock.js'

const env = process.env
const target = env.CC_TEST_TARGET ?? 'hook'
const config = loadConfig(
  {},
  {
    dataDir: env.CC_TEST_DATA_DIR,
    store: { file: env.CC_TEST_DB_FILE, synchronous: 'normal' },
    writeback: { secretKey: env.CC_TEST_KEY, scanIntervalMs: 1000, concurrency: 32 },
  },
)
const db = openDatabase(config.dataDir, config.store)
const clock = new FakeClock(Number(env.CC_TEST_T0))
const relay = new Relay({
  db,
  targets: new TargetStore(db, loadSecretBox(config.writeback, config.dataDir), clock.now),
  config: config.writeback,
  metrics: new Metrics({ defaultMetrics: false }),
  log: createLogger({ level: 'silent' }),
  clock: clock.now,
  timers: clock,
})

async function idle(): Promise<void> {
  const until = Date.now() + 10_000
  while (Date.now() < until) {
    await settle(2)
    if (relay.inFlightOf(target) === 0) return settle(5)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

process.on('message', (message: { t: number; idle?: boolean }) => {
  clock.set(message.t)
  void (message.idle ? idle() : settle(1)).then(() =>
    process.send?.({ t: message.t, inFlight: relay.inFlightOf(target) }),
  )
})
process.on('disconnect', () => process.exit(0))

relay.start()
process.send?.({ ready: true })
