/**
 * The event stream over a real socket: a listening server, read with node's http client, frames parsed as a
 * browser's EventSource would.
 */
import { type ClientRequest, get, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { GatewayEvent } from '../../../src/events.js'
import { type Harness, harness } from './harness.js'

interface Frame {
  id?: string
  event?: string
  data?: string
  retry?: string
  comment?: string
}

class EventStream {
  readonly frames: Frame[] = []
  ended = false
  private text = ''

  constructor(
    readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => this.parse(chunk))
    res.on('close', () => {
      this.ended = true
    })
  }

  private parse(chunk: string): void {
    this.text += chunk
    let end = this.text.indexOf('\n\n')
    while (end >= 0) {
      const frame: Frame = {}
      for (const line of this.text.slice(0, end).split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim()
        else {
          const [field, ...rest] = line.split(':')
          frame[field as keyof Frame] = rest.join(':').trimStart()
        }
      }
      this.frames.push(frame)
      this.text = this.text.slice(end + 2)
      end = this.text.indexOf('\n\n')
    }
  }

  /** Events only (no retry hints, no heartbeats), in order. */
  get events(): Frame[] {
    return this.frames.filter((f) => f.event !== undefined)
  }

  waitFor(predicate: (f: Frame) => boolean): Promise<Frame> {
    return vi.waitFor(
      () => {
        const found = this.frames.find(predicate)
        if (!found) throw new Error(`no such frame yet in ${JSON.stringify(this.frames)}`)
        return found
      },
      { timeout: 2_000, interval: 5 },
    )
  }

  close(): void {
    this.req.destroy()
  }
}

let h: Harness
let closed = false
const streams: EventStream[] = []
afterEach(async () => {
  for (const s of streams.splice(0)) s.close()
  if (!closed) await h.close()
})

async function start(options: Parameters<typeof harness>[0] = {}): Promise<void> {
  h = await harness(options)
  closed = false
  await h.app.listen({ port: 0, host: '127.0.0.1' })
}

function open(
  path = '/api/v1/events',
  { token = h.admin, lastEventId }: { token?: string; lastEventId?: string } = {},
): Promise<EventStream> {
  const { port } = h.app.server.address() as AddressInfo
  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      const stream = new EventStream(req, res)
      streams.push(stream)
      resolve(stream)
    })
    req.on('error', reject)
  })
}

/** Opens a stream and waits for its first frame, so that it is subscribed before anything is published. */
async function connected(path?: string, options?: Parameters<typeof open>[1]): Promise<EventStream> {
  const stream = await open(path, options)
  await stream.waitFor((f) => f.retry !== undefined || f.event !== undefined)
  return stream
}

const publish = (...events: GatewayEvent[]) => h.events.publish(events)
const node = (waybill: string, status = 'in_transit') => ({ type: 'node.created', waybill, status })
const logged = (message: string) =>
  vi.waitFor(
    () => {
      if (!h.logs.some((line) => line.includes(message))) throw new Error(`not logged: ${message}`)
    },
    { timeout: 2_000, interval: 5 },
  )

describe('GET /api/v1/events', () => {
  it('streams events from the bus with an id, the type and JSON data, through proxies unbuffered', async () => {
    await start()
    const stream = await connected()
    expect(stream.res.statusCode).toBe(200)
    expect(stream.res.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-request-id': expect.any(String),
    })
    publish(node('WB-1'), node('WB-2', 'delivered'))
    await stream.waitFor((f) => f.data?.includes('WB-2') === true)
    const [first, second] = stream.events
    expect(first).toMatchObject({ event: 'node.created', id: expect.stringMatching(/^[0-9a-f]{8}-1$/) })
    expect(JSON.parse(first?.data ?? '')).toEqual({
      type: 'node.created',
      waybill: 'WB-1',
      status: 'in_transit',
    })
    expect(second?.id).toBe(first?.id?.replace(/-1$/, '-2'))
  })

  it('carries the changes made through the alerts API, with ISO times', async () => {
    await start()
    const stream = await connected()
    const [opened] = h.alerts.raise({
      kind: 'temperature',
      waybill: 'WB-1',
      sourceId: 'x1',
      severity: 'major',
      title: 'Temperature above 8 °C',
      startedAt: Date.parse('2025-03-01T07:50:00Z'),
    })
    await h.request('POST', `/api/v1/alerts/${opened?.alert.id}/ack`, {
      token: h.ops,
      body: { note: 'on it' },
    })
    const frame = await stream.waitFor((f) => f.event === 'alert.acknowledged')
    expect(JSON.parse(frame.data ?? '')).toMatchObject({
      type: 'alert.acknowledged',
      alert: { id: opened?.alert.id, state: 'active_ack', ackedAt: '2025-03-01T08:00:00.000Z' },
    })
  })

  it('sends only the types asked for, `alert.*` matching every alert type', async () => {
    await start()
    const alerts = await connected('/api/v1/events?types=alert.*')
    const delivered = await connected('/api/v1/events?types=node.delivered,alert.resolved')
    publish(
      { type: 'node.created', waybill: 'WB-1' },
      { type: 'alert.opened', waybill: 'WB-1' },
      { type: 'alerting.test' },
      { type: 'node.delivered', waybill: 'WB-1' },
      { type: 'alert.resolved', waybill: 'WB-1' },
    )
    await alerts.waitFor((f) => f.event === 'alert.resolved')
    await delivered.waitFor((f) => f.event === 'alert.resolved')
    expect(alerts.events.map((f) => f.event)).toEqual(['alert.opened', 'alert.resolved'])
    expect(delivered.events.map((f) => f.event)).toEqual(['node.delivered', 'alert.resolved'])
  })

  it('replays what a reconnecting client missed after its Last-Event-ID', async () => {
    await start()
    const first = await connected()
    publish(node('WB-1'))
    const seen = await first.waitFor((f) => f.event !== undefined)
    first.close()
    publish(node('WB-2'), node('WB-3'))
    const again = await connected('/api/v1/events', { lastEventId: seen.id as string })
    await again.waitFor((f) => f.data?.includes('WB-3') === true)
    publish(node('WB-4'))
    await again.waitFor((f) => f.data?.includes('WB-4') === true)
    expect(again.events.map((f) => JSON.parse(f.data ?? '').waybill)).toEqual(['WB-2', 'WB-3', 'WB-4'])
  })

  it('tells a client to reload when its Last-Event-ID is unknown or no longer kept', async () => {
    await start({ sse: { replay: 2 } })
    const first = await connected()
    publish(node('WB-1'), node('WB-2'), node('WB-3'), node('WB-4'))
    const oldest = await first.waitFor((f) => f.event !== undefined) // WB-2 is gone from the ring
    for (const lastEventId of [oldest.id as string, '00000000-5', 'garbage']) {
      const again = await connected('/api/v1/events', { lastEventId })
      await again.waitFor((f) => f.event !== undefined)
      publish(node('WB-live'))
      await again.waitFor((f) => f.data?.includes('WB-live') === true)
      expect(again.events.map((f) => f.event)).toEqual(['stream.reset', 'node.created'])
    }
  })

  it('sends a heartbeat comment while nothing happens', async () => {
    await start({ sse: { heartbeatMs: 20 } })
    const stream = await connected()
    expect(await stream.waitFor((f) => f.comment === 'heartbeat')).toEqual({ comment: 'heartbeat' })
  })

  it('shows a merchant only the events about its own waybills', async () => {
    await start({ waybillsOfMerchant: (m) => (m === 'm-1' ? ['WB-OWN'] : []) })
    const stream = await connected('/api/v1/events', { token: h.merchant })
    publish(
      node('WB-OTHER'),
      { type: 'tokens.changed' },
      { type: 'alert.opened', alert: { id: 1, waybill: 'WB-OTHER' } },
      node('WB-OWN'),
    )
    await stream.waitFor((f) => f.data?.includes('WB-OWN') === true)
    expect(stream.events.map((f) => f.event)).toEqual(['node.created'])
  })

  it('refuses a stream without a token (401), and bad type filters (400)', async () => {
    await start()
    const anonymous = await open('/api/v1/events', { token: 'nope' })
    expect(anonymous.res.statusCode).toBe(401)
    expect(anonymous.res.headers['content-type']).toMatch(/application\/json/)
    const bad = await open('/api/v1/events?types=alert.**')
    expect(bad.res.statusCode).toBe(400)
  })

  it('forgets a client that hangs up', async () => {
    await start()
    const stream = await connected()
    stream.close()
    await logged('event stream closed')
    publish(node('WB-1'))
  })

  it('disconnects a client that stops reading instead of buffering without bound', async () => {
    await start({ sse: { maxBufferedBytes: 256 * 1024 } })
    const slow = await connected()
    const fast = await connected()
    slow.res.pause()
    const blob = 'x'.repeat(32 * 1024)
    // The loop yields to the event loop after each event, so the reading client keeps up.
    for (let i = 0; i < 5_000 && !h.logs.some((l) => l.includes('too slow')); i++) {
      publish({ type: 'node.noise', blob })
      await new Promise((resolve) => setImmediate(resolve))
    }
    await logged('event stream client too slow: disconnected')
    slow.res.resume()
    await vi.waitFor(() => expect(slow.ended).toBe(true), { timeout: 2_000 })
    expect(slow.res.complete).toBe(false)
    publish(node('WB-after'))
    await fast.waitFor((f) => f.data?.includes('WB-after') === true)
  })

  it('ends every stream when the app closes, so closing does not wait for clients', async () => {
    await start()
    const streamsOpen = [await connected(), await connected('/api/v1/events?types=alert.*')]
    const started = performance.now()
    await h.close()
    closed = true
    expect(performance.now() - started).toBeLessThan(1_000)
    await vi.waitFor(() => expect(streamsOpen.every((s) => s.ended)).toBe(true), { timeout: 1_000 })
  })
})
