import { PassThrough } from 'node:stream'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { guardConnection } from '../../../gateway/broker/connection-guard.js'
import { FrameGuard } from '../../../gateway/broker/frame-guard.js'
import { connect, header, PINGREQ, publish, subscribe, unsubscribe } from './packets.js'

const MAX = 256 * 1024

function feed(bytes: Buffer, cuts: number[] = []): ReturnType<FrameGuard['check']> {
  const guard = new FrameGuard(MAX)
  let from = 0
  for (const at of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    const violation = guard.check(bytes.subarray(from, at))
    if (violation) return violation
    from = at
  }
  return null
}

/** The reference: WHATWG's fatal UTF-8 decoder, plus the MQTT ban on U+0000. */
function wellFormed(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}

const session = Buffer.concat([
  connect({
    clientId: 'dev',
    username: 'box-1',
    password: Buffer.from([0xff, 0x00, 0xfe]),
    will: { topic: 'cc/box-1/status', payload: Buffer.from([0xff, 0]) },
  }),
  publish('cc/box-1/telemetry', Buffer.from([0xff, 0x00, 0xc0]), { qos: 1, id: 3 }),
  publish('cc/box-1/ünïcödé/温度/😀', '{}'),
  subscribe(4, ['cc/box-1/down/#', 'cc/box-1/down/+'], 1),
  unsubscribe(5, ['cc/box-1/down/+']),
  PINGREQ,
  publish('cc/box-1/empty', ''),
])

describe('frame guard', () => {
  it('passes a session of valid packets whole and split at every byte', () => {
    expect(feed(session)).toBeNull()
    for (let cut = 1; cut < session.length; cut++) expect(feed(session, [cut])).toBeNull()
    expect(
      feed(
        session,
        Array.from({ length: session.length }, (_, i) => i),
      ),
    ).toBeNull()
  })

  it('does not look at payloads, passwords or will messages, which are binary', () => {
    // The session above carries 0xff and 0x00 in all three.
    expect(feed(session)).toBeNull()
  })

  it('refuses a packet larger than the limit from its header alone', () => {
    const guard = new FrameGuard(MAX)
    expect(guard.check(header(0x30, 200 * 1024 * 1024))).toMatchObject({
      reason: 'packet-too-large',
      packetType: 3,
    })
    expect(new FrameGuard(MAX).check(header(0x30, MAX - 4))).toBeNull()
    expect(new FrameGuard(MAX).check(header(0x30, MAX - 3))?.reason).toBe('packet-too-large')
  })

  it('refuses a remaining length of five bytes', () => {
    expect(feed(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))?.reason).toBe('malformed-length')
  })

  it('refuses a string that overruns its packet', () => {
    const bad = Buffer.from([0x30, 0x04, 0x00, 0x09, 0x61, 0x62])
    expect(feed(bad)?.reason).toBe('malformed-packet')
  })

  it('refuses ill-formed UTF-8 in the will topic and the user name', () => {
    const will = connect({ clientId: 'a', will: { topic: Buffer.from([0x63, 0xc3, 0x28]), payload: 'x' } })
    expect(feed(will)).toMatchObject({ reason: 'ill-formed-utf8', packetType: 1 })
    const user = connect({ clientId: 'a', username: Buffer.from([0x62, 0xed, 0xbf, 0xbf]), password: 'x' })
    expect(feed(user)?.reason).toBe('ill-formed-utf8')
  })

  it('refuses a string that ends inside a character', () => {
    expect(feed(publish(Buffer.from([0x63, 0xe2, 0x82]), 'x'))?.reason).toBe('ill-formed-utf8')
  })

  it('refuses U+0000 in a filter', () => {
    expect(feed(subscribe(1, ['cc/\u0000/down']))).toMatchObject({ reason: 'null-character', packetType: 8 })
  })

  it('judges topic bytes exactly as a fatal UTF-8 decoder does, however the stream is cut', () => {
    const topicBytes = fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map((s) => Buffer.from(s, 'utf8')),
      fc.uint8Array({ minLength: 1, maxLength: 12 }).map((a) => Buffer.from(a)),
    )
    const packet = fc.oneof(
      topicBytes.map((t) => ({ bytes: publish(t, 'payload', { qos: 1 }), topics: [t] })),
      fc
        .array(topicBytes, { minLength: 1, maxLength: 3 })
        .map((ts) => ({ bytes: subscribe(1, ts), topics: ts })),
      fc
        .array(topicBytes, { minLength: 1, maxLength: 3 })
        .map((ts) => ({ bytes: unsubscribe(2, ts), topics: ts })),
    )
    fc.assert(
      fc.property(
        fc.array(packet, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(400), { maxLength: 8 }),
        (packets, cuts) => {
          const stream = Buffer.concat(packets.map((p) => p.bytes))
          const expected = packets.every((p) => p.topics.every(wellFormed))
          expect(feed(stream, cuts) === null).toBe(expected)
        },
      ),
      { numRuns: 400 },
    )
  })
})

describe('connection guard', () => {
  it('hands chunks through untouched and withholds the one that breaks the rules', () => {
    const conn = new PassThrough()
    const seen: string[] = []
    guardConnection(conn, MAX, (v) => seen.push(v.reason))
    const good = publish('cc/box-1/telemetry', '{}')
    conn.write(good)
    expect(conn.read()).toBe(good) // the same Buffer: no copy
    conn.write(publish(Buffer.from([0xff]), '{}'))
    expect(conn.read()).toBeNull()
    expect(seen).toEqual(['ill-formed-utf8'])
    conn.write(good)
    expect(conn.read()).toBeNull()
  })
})
