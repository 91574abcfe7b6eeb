import { describe, expect, it } from 'vitest'
import type { CommitContext } from '../../../ingest/steps/step.js'
import { touchDevices } from '../../../ingest/steps/touch-devices.js'
import { loadConfig } from '../../../src/config.js'
import { Metrics } from '../../../src/metrics.js'
import type { DeadLetterRecord, ReadingRecord } from '../../../src/model.js'
import { openDatabase } from '../../../src/store/database.js'
import { DeviceRepository } from '../../../src/store/devices.js'

const reading = (deviceId: string, receivedAt: number) => ({ deviceId, receivedAt }) as ReadingRecord
const refused = (deviceId: string, receivedAt: number) => ({ deviceId, receivedAt }) as DeadLetterRecord
const commit = (readings: ReadingRecord[], deadLetters: DeadLetterRecord[] = []): CommitContext => ({
  messages: [{ readings, scans: [], statuses: [], deadLetters }],
  committedAt: 0,
  stored: { readings: [], scans: [], statuses: [] },
  events: [],
})

describe('touching devices', () => {
  it('records the latest receipt per device, at most once a second, never more than a second behind', () => {
    const db = openDatabase('.', loadConfig({}, { store: { file: ':memory:' } }).store)
    const devices = new DeviceRepository(db)
    for (const id of ['box-1', 'box-2']) devices.create({ id, kind: 'box_sensor', secretHash: 'x' })
    const step = touchDevices({ db, metrics: new Metrics({ defaultMetrics: false }) })
    const seen = (id: string) => devices.get(id)?.lastSeenAt

    step.run(commit([reading('box-1', 10_000), reading('box-1', 10_200)], [refused('box-2', 10_100)]))
    expect(seen('box-1')).toBe(10_200)
    expect(seen('box-2')).toBe(10_100)
    step.run(commit([reading('box-1', 10_900)]))
    expect(seen('box-1')).toBe(10_200)
    step.run(commit([reading('box-1', 11_300)]))
    expect(seen('box-1')).toBe(11_300)
    db.close()
  })
})
