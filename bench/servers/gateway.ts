/**
 * The gateway under benchmark: started in-process on embedded defaults (SQLite in a temp dir, group commit,
 * synchronous=FULL), with the benchmark's devices registered. Counts stored readings through the commit hook.
 */

import { Gateway } from '../../gateway/gateway.js'
import { createLogger } from '../../src/log.js'
import { DeviceRepository } from '../../src/store/devices.js'
import { benchDevices, benchSetup } from './setup.js'

const { config, setup, secretHash } = await benchSetup('cc-bench-')
const repo = new DeviceRepository(setup)
setup.transaction(() => {
  for (let i = 0; i < benchDevices; i++) repo.create({ id: `dev-${i}`, kind: 'box_sensor', secretHash })
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
