/**
 * Durability under SIGKILL: a child process runs the gateway while devices publish at QoS 1; it is killed at a
 * random moment, several times. After each restart every reading whose PUBACK had been received must be in the
 * store, and no (device, seq) may be stored twice — devices re-send what was not acknowledged, as real ones do.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { afterAll, describe, expect, it } from 'vitest'
import { hashSecret } from '../../src/auth/secrets.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/store/database.js'
import { DeviceRepository } from '../../src/store/devices.js'
import { spawnGateway } from '../support/gateway-process.js'
import { freePort, waitForPort } from '../support/ports.js'

const DEVICES = 12
const KILLS = 4
const SECRET = 'crash-test-secret-0123456789'

/** One device: publishes seq = next, next+1, … at QoS 1 and records which seqs were acknowledged. */
async function runDevice(id: string, port: number, acked: Set<number>, from: number, stop: { now: boolean }) {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    clientId: id,
    username: id,
    password: SECRET,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  })
  // mqtt.js leaves in-flight publishes (and a pending connect) unsettled when the broker dies and reconnecting
  // is off, so everything below also races against the connection closing.
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
  client.on('error', () => {})
  try {
    const connected = await Promise.race([
      new Promise<boolean>((resolve) => client.once('connect', () => resolve(true))),
      closed.then(() => false),
    ])
    if (!connected) return
    let seq = from
    const inflight = new Set<Promise<void>>()
    while (!stop.now && client.connected) {
      const s = seq++
      const payload = JSON.stringify({ ts: Date.now(), seq: s, temp_c: 4 + (s % 10) / 10 })
      const p: Promise<void> = client
        .publishAsync(`cc/${id}/telemetry`, payload, { qos: 1 })
        .then(() => void acked.add(s))
        .catch(() => {})
        .finally(() => inflight.delete(p))
      inflight.add(p)
      if (inflight.size >= 8) await Promise.race([...inflight, closed])
    }
  } finally {
    client.end(true)
  }
}

describe('a gateway killed with SIGKILL', () => {
  const children: ChildProcess[] = []
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL')
  })

  it('loses no acknowledged reading and stores no (device, seq) twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cc-crash-'))
    const config = loadConfig({}, { dataDir })
    const setup = openDatabase(dataDir, config.store)
    const repo = new DeviceRepository(setup)
    const secretHash = await hashSecret(SECRET, 10)
    const ids = Array.from({ length: DEVICES }, (_, i) => `box-${i}`)
    for (const id of ids) repo.create({ id, kind: 'box_sensor', secretHash })
    setup.close()

    const acked = new Map(ids.map((id) => [id, new Set<number>()]))
    for (let round = 0; round < KILLS; round++) {
      const mqttPort = await freePort()
      const child = spawnGateway(dataDir, { mqtt: mqttPort, http: await freePort() })
      children.push(child)
      let stderr = ''
      child.stderr?.on('data', (chunk) => {
        stderr += chunk
      })
      const exited = new Promise<string>((resolve) =>
        child.once('exit', (code, signal) => resolve(`${signal ?? code}`)),
      )
      await waitForPort(mqttPort)
      const stop = { now: false }
      // Each device resumes at its lowest unacknowledged seq, so possibly-stored readings are re-sent.
      const runs = ids.map((id) => {
        const seen = acked.get(id) as Set<number>
        let from = 0
        while (seen.has(from)) from++
        return runDevice(id, mqttPort, seen, from, stop).catch(() => {})
      })
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 700))
      const alive = child.exitCode === null && child.signalCode === null
      child.kill('SIGKILL')
      const how = await exited
      expect(alive, `the gateway died by itself in round ${round} (${how}): ${stderr}`).toBe(true)
      stop.now = true
      await Promise.all(runs)
    }

    const db = openDatabase(dataDir, config.store)
    try {
      let total = 0
      for (const id of ids) {
        const stored = new Set(
          (db.prepare('SELECT seq FROM readings WHERE device_id = ?').all(id) as { seq: number }[]).map(
            (r) => r.seq,
          ),
        )
        const lost = [...(acked.get(id) as Set<number>)].filter((s) => !stored.has(s))
        expect(lost, `acknowledged but lost for ${id}`).toEqual([])
        total += acked.get(id)?.size ?? 0
      }
      expect(total, 'the devices got PUBACKs at all').toBeGreaterThan(DEVICES * KILLS)
      const dupes = db
        .prepare('SELECT device_id, seq, count(*) AS n FROM readings GROUP BY device_id, seq HAVING n > 1')
        .all()
      expect(dupes).toEqual([])
    } finally {
      db.close()
    }
  }, 120_000)
})
