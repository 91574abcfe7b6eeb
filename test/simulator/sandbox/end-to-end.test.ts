/** Each adapter's request, sent over HTTP, is accepted by the sandbox's independent verification. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, startSandbox } from '../../../simulator/sandbox/index.js'
import { alert, excursion, sampleEventFor, T0, trail, WAYBILL } from '../../unit/writeback/fixtures.js'
import { deliver, kinds } from './helpers.js'

let sandbox: Sandbox
const now = T0

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, clock: () => now })
})
afterAll(() => sandbox.stop())
beforeEach(() => sandbox.clear())

describe('adapter → sandbox, end to end', () => {
  it.each(kinds)(
    '%s: the platform accepts the signed request and the adapter reads delivered',
    async (kind) => {
      const { reply, outcome } = await deliver(kind, sandbox, sampleEventFor[kind](), now)
      expect(outcome, reply.body).toEqual({ result: 'delivered' })
      const recorded = sandbox.requests({ platform: kind, waybill: WAYBILL })
      expect(recorded).toHaveLength(1)
      expect(recorded[0]).toMatchObject({ outcome: 'accepted', status: 200 })
    },
  )

  it('delivers trails, excursions and alert steps by webhook', async () => {
    for (const event of [trail(), excursion(), excursion('excursion.cleared'), alert()]) {
      const { outcome } = await deliver('webhook', sandbox, event, now)
      expect(outcome).toEqual({ result: 'delivered' })
    }
    const received = sandbox.requests({ platform: 'webhook', outcome: 'accepted' })
    expect(received.map((r) => r.eventId)).toEqual([
      'evt-trail-1',
      'evt-excursion.opened',
      'evt-excursion.cleared',
      'evt-alert-1',
    ])
    expect(received[0]?.content).toMatchObject({ type: 'temperature.trail', data: { summary: { count: 3 } } })
  })

  it('records what each platform received, with the decoded business content', async () => {
    await deliver('kdniao', sandbox, sampleEventFor.kdniao(), now)
    const [push] = sandbox.requests({ platform: 'kdniao' })
    const content = push?.content as { Data: { LogisticCode: string; StateEx: string; Traces: unknown[] }[] }
    expect(content.Data[0]).toMatchObject({ LogisticCode: WAYBILL, StateEx: '201' })
    expect(content.Data[0]?.Traces).toHaveLength(2)
  })
})
