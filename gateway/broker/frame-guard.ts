/**
 * A byte-level pre-parser in front of aedes. mqtt-packet decodes strings with `Buffer.toString`, which silently
 * turns ill-formed UTF-8 into U+FFFD, and it buffers a packet whole before looking at it, so a client declaring
 * a 200 MiB PUBLISH makes the broker hold 200 MiB. The guard reads only what it needs from the raw bytes: the
 * fixed header and remaining length of every packet, and the UTF-8 strings that name topics (PUBLISH topic,
 * SUBSCRIBE and UNSUBSCRIBE filters, and the CONNECT strings, will topic included). Payloads are skipped by
 * arithmetic. State survives chunk boundaries; chunks are never copied or changed.
 */
import { Utf8Stream } from './utf8.js'

export type GuardReason =
  | 'packet-too-large'
  | 'malformed-length'
  | 'malformed-packet'
  | 'ill-formed-utf8'
  | 'null-character'

export interface GuardViolation {
  reason: GuardReason
  /** MQTT control packet type (1 = CONNECT, 3 = PUBLISH, 8 = SUBSCRIBE, 10 = UNSUBSCRIBE, …). */
  packetType: number
  detail: string
}

const CONNECT = 1
const PUBLISH = 3
const SUBSCRIBE = 8
const UNSUBSCRIBE = 10

// Where the guard is within the current packet.
const AT_TYPE = 0
const AT_LENGTH = 1
const AT_BODY = 2

// What the guard is reading within the body.
const SKIP = 0 // bytes it does not look at
const U16 = 1 // a two-byte length prefix
const TEXT = 2 // a UTF-8 string it validates
const BYTE = 3 // one byte it keeps (CONNECT protocol level and flags)

export class FrameGuard {
  private at = AT_TYPE
  private type = 0
  private length = 0
  private multiplier = 1
  private lengthBytes = 0
  private bodyLeft = 0

  private field = SKIP
  private fieldLeft = 0
  /** After a length prefix: read a string (TEXT) or skip binary data (SKIP). */
  private afterU16 = TEXT
  private u16 = 0
  private step = 0
  private byte = 0
  private level = 0
  private flags = 0

  private readonly utf8 = new Utf8Stream()

  /** The first violation seen; once set, the connection is to be closed and nothing more is parsed. */
  violation: GuardViolation | null = null

  /** @param maxPacketBytes largest whole packet (fixed header + remaining length) accepted. */
  constructor(private readonly maxPacketBytes: number) {}

  /** Feeds the next chunk of the stream; returns the violation it contains, or null. */
  check(chunk: Uint8Array): GuardViolation | null {
    if (this.violation) return this.violation
    const n = chunk.length
    let i = 0
    while (i < n) {
      if (this.at === AT_BODY) {
        const field = this.field
        if (field === SKIP) {
          const take = Math.min(this.fieldLeft, n - i)
          i += take
          this.fieldLeft -= take
          this.bodyLeft -= take
        } else if (field === TEXT) {
          const end = i + Math.min(this.fieldLeft, n - i)
          const bad = this.utf8.scan(chunk, i, end)
          if (bad !== null) {
            return this.fail(chunk[bad] === 0 ? 'null-character' : 'ill-formed-utf8', describe(chunk, bad))
          }
          this.fieldLeft -= end - i
          this.bodyLeft -= end - i
          i = end
          // [MQTT-1.5.3-1] a string may not end inside a character
          if (this.fieldLeft === 0 && !this.utf8.atBoundary) {
            return this.fail('ill-formed-utf8', 'string ends inside a character')
          }
        } else {
          const b = chunk[i++]!
          this.fieldLeft--
          this.bodyLeft--
          if (field === U16) this.u16 = (this.u16 << 8) | b
          else this.byte = b
        }
        if (this.fieldLeft === 0) {
          const bad = this.fieldDone()
          if (bad) return bad
        }
      } else if (this.at === AT_TYPE) {
        this.type = chunk[i++]! >> 4
        this.length = 0
        this.multiplier = 1
        this.lengthBytes = 0
        this.at = AT_LENGTH
      } else {
        const b = chunk[i++]!
        this.length += (b & 0x7f) * this.multiplier
        this.multiplier *= 128
        this.lengthBytes++
        if (b & 0x80) {
          // [MQTT-2.2.3] the remaining length takes at most four bytes
          if (this.lengthBytes === 4) {
            return this.fail('malformed-length', 'remaining length longer than four bytes')
          }
          continue
        }
        const total = 1 + this.lengthBytes + this.length
        // Decided on the header alone: the body is never read, let alone buffered.
        if (total > this.maxPacketBytes) {
          return this.fail('packet-too-large', `packet of ${total} bytes; at most ${this.maxPacketBytes}`)
        }
        this.bodyLeft = this.length
        this.step = 0
        this.at = AT_BODY
        const bad = this.nextField()
        if (bad) return bad
      }
    }
    return null
  }

  /** A field has been read whole: a length prefix opens its string, anything else moves the program on. */
  private fieldDone(): GuardViolation | null {
    if (this.field === U16) {
      const size = this.u16
      if (size > this.bodyLeft) {
        return this.fail('malformed-packet', `string of ${size} bytes overruns the packet`)
      }
      this.field = this.afterU16
      this.fieldLeft = size
      if (size > 0) return null
    }
    return this.nextField()
  }

  /** Sets up the next field of the current packet type, or ends the packet when its body is used up. */
  private nextField(): GuardViolation | null {
    for (;;) {
      if (this.bodyLeft === 0) {
        this.at = AT_TYPE
        return null
      }
      this.program()
      if (this.fieldLeft > this.bodyLeft) return this.fail('malformed-packet', 'field overruns the packet')
      if (this.fieldLeft > 0) return null
    }
  }

  /** The fields the guard reads, per packet type; everything after them is skipped. */
  private program(): void {
    const step = this.step++
    switch (this.type) {
      case PUBLISH:
        // [MQTT-3.3.2-1] the topic name opens the variable header
        if (step === 0) this.text()
        else this.rest()
        break
      case SUBSCRIBE:
        // packet id, then (filter, requested QoS) pairs to the end [MQTT-3.8.3-1]
        if (step === 0) this.skip(2)
        else if (step % 2 === 1) this.text()
        else this.skip(1)
        break
      case UNSUBSCRIBE:
        // packet id, then filters to the end [MQTT-3.10.3-1]
        if (step === 0) this.skip(2)
        else this.text()
        break
      case CONNECT:
        this.connectField(step)
        break
      default:
        this.rest()
    }
  }

  /** CONNECT: protocol name, level, flags, keepalive, client id, [will topic, will message], [user name]. */
  private connectField(step: number): void {
    switch (step) {
      case 0:
        this.text()
        break
      case 1:
        this.one()
        break
      case 2:
        this.level = this.byte
        this.one()
        break
      case 3:
        this.flags = this.byte
        this.skip(2)
        break
      case 4:
        // MQTT 5 puts properties here; aedes refuses that protocol level with CONNACK 1 anyway.
        if ((this.level & 0x7f) === 5) this.rest()
        else this.text()
        break
      case 5:
        // [MQTT-3.1.3-10] the will topic is a UTF-8 string like any topic
        if (this.flags & 0x04) this.text()
        else this.userName()
        break
      case 6:
        this.binary()
        break
      case 7:
        this.userName()
        break
      default:
        this.rest()
    }
  }

  private userName(): void {
    this.step = 8
    // [MQTT-3.1.3-11] the user name is a UTF-8 string; the password that may follow is binary
    if (this.flags & 0x80) this.text()
    else this.rest()
  }

  private one(): void {
    this.field = BYTE
    this.fieldLeft = 1
  }

  private text(): void {
    this.field = U16
    this.fieldLeft = 2
    this.u16 = 0
    this.afterU16 = TEXT
  }

  private binary(): void {
    this.field = U16
    this.fieldLeft = 2
    this.u16 = 0
    this.afterU16 = SKIP
  }

  private skip(bytes: number): void {
    this.field = SKIP
    this.fieldLeft = bytes
  }

  private rest(): void {
    this.field = SKIP
    this.fieldLeft = this.bodyLeft
  }

  private fail(reason: GuardReason, detail: string): GuardViolation {
    this.violation = { reason, packetType: this.type, detail }
    return this.violation
  }
}

function describe(chunk: Uint8Array, at: number): string {
  const b = chunk[at]!
  return b === 0 ? 'U+0000 in a string' : `byte 0x${b.toString(16)} at offset ${at} of the chunk is not UTF-8`
}
