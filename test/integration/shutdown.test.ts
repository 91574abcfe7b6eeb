/**
 * Graceful stop: SIGTERM while a device publishes at QoS 1 → the process stops accepting, commits and
 * acknowledges what is in flight, closes the store and exits 0; every acknowledged reading is stored.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { describe, expect, it } from 'vitest'
import { hashSecret } from '../../src/auth/secrets.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/store/database.js'
import { DeviceRepository } from '../../src/store/devices.js'
import { spawnGateway } from '../support/gateway-process.js'
import { freePort, waitForPort } from '../support/ports.js'

describe('a gateway sent SIGTERM', () => {
  it('acknowledges what it stored, stores what it acknowledged, and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cc-term-'))
    const config = loadConfig({}, { dataDir })
    const setup = openDatabase(dataDir, config.store)
    new DeviceRepository(setup).create({
      id: 'box-1',
      kind: 'box_sensor',
      secretHash: await hashSecret('s3cret-s3cret', 10),
    })
    setup.close()

    const mqttPort = await freePort()
    const child = spawnGateway(dataDir, { mqtt: mqttPort, http: await freePort() })
    child.stderr?.pipe(process.stderr)
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    await waitForPort(mqttPort)

    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
      clientId: 'box-1',
      username: 'box-1',
      password: 's3cret-s3cret',
      reconnectPeriod: 0,
    })
    client.on('error', () => {})
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    const acked = new Set<number>()
    const publishes: Promise<unknown>[] = []
    // SIGTERM goes out once the first acknowledgements are back, with the rest of the 400 still in flight.
    const onAck = (seq: number) => {
      acked.add(seq)
      if (acked.size === 20) child.kill('SIGTERM')
    }
    for (let seq = 0; seq < 400; seq++) {
      const payload = JSON.stringify({ ts: Date.now(), seq, temp_c: 3.5 })
      publishes.push(
        client
          .publishAsync('cc/box-1/telemetry', payload, { qos: 1 })
          .then(() => onAck(seq))
          .catch(() => {}),
      )
    }
    await Promise.race([Promise.allSettled(publishes), closed])
    client.end(true)

    expect(await exited).toBe(0)
    const db = openDatabase(dataDir, config.store)
    const stored = new Set(
      (db.prepare('SELECT seq FROM readings').all() as { seq: number }[]).map((r) => r.seq),
    )
    db.close()
    expect(acked.size).toBeGreaterThanOrEqual(20)
    expect([...acked].filter((seq) => !stored.has(seq))).toEqual([])
  }, 60_000)
})
