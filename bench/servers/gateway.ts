/**
 * The gateway under benchmark: started in-process on embedded defaults (SQLite in a temp dir, group commit,
 * synchronous=FULL), with the benchmark's devices registered. Counts stored readings through the commit hook.
 *
 * BENCH_INFLUX (JSON `{ url, org, bucket, token }`) turns the InfluxDB sink on against that server (its other
 * settings at their defaults) with a probe (./sink-probe.ts; lag gauges sampled every BENCH_LAG_SAMPLE_MS, 100),
 * which answers `sink` (reading points acknowledged so far), `sink-report` and `sink-points`.
 */

import { Gateway } from '../../gateway/gateway.js'
import { createLogger } from '../../src/log.js'
import { databasePath } from '../../src/store/database.js'
import { DeviceRepository } from '../../src/store/devices.js'
import { benchDevices, benchSetup, countStored } from './setup.js'
import { SinkProbe } from './sink-probe.js'

const influx = process.env.BENCH_INFLUX
  ? { enabled: true, ...JSON.parse(process.env.BENCH_INFLUX) }
  : undefined
const { config, setup, secretHash } = await benchSetup('cc-bench-', influx ? { influx } : {})
const repo = new DeviceRepository(setup)
setup.transaction(() => {
  for (let i = 0; i < benchDevices; i++) repo.create({ id: `dev-${i}`, kind: 'box_sensor', secretHash })
})()
setup.close()

const gateway = new Gateway(config, { log: createLogger(config.log) })
const probe = config.influx.enabled
  ? new SinkProbe(
      gateway.metrics,
      databasePath(config.dataDir, config.store.file),
      Number(process.env.BENCH_LAG_SAMPLE_MS ?? 100),
    )
  : null
const stored = countStored(gateway, (n, at) => probe?.committed(n, at))
const ports = await gateway.start()
probe?.start()
process.send?.({ type: 'ready', port: ports.mqtt })
process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'stats')
    process.send?.({ type: 'stats', count: stored.count, firstAt: stored.firstAt, lastAt: stored.lastAt })
  if (msg.type === 'reset') stored.reset()
  if (msg.type === 'sink') process.send?.({ type: 'sink', written: probe?.written ?? 0 })
  if (msg.type === 'sink-report') process.send?.({ type: 'sink-report', ...(await probe?.report()) })
  if (msg.type === 'sink-points') process.send?.({ type: 'sink-points', keys: probe?.expectedPoints() ?? [] })
  if (msg.type === 'stop') {
    probe?.stop()
    await gateway.stop()
    process.exit(0)
  }
})
