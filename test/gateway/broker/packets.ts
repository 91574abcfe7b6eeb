/**
 * Hand-built MQTT 3.1.1 packets for the tests that must send what no well-behaved client library would:
 * ill-formed UTF-8, U+0000, lying remaining lengths. Strings are given as text or as raw bytes.
 */
type Text = string | Buffer

function bytes(text: Text): Buffer {
  return typeof text === 'string' ? Buffer.from(text, 'utf8') : text
}

/** A two-byte length prefix and the bytes [MQTT-1.5.3]. */
export function str(text: Text): Buffer {
  const body = bytes(text)
  const out = Buffer.alloc(2 + body.length)
  out.writeUInt16BE(body.length, 0)
  body.copy(out, 2)
  return out
}

/** The remaining-length varint [MQTT-2.2.3]. */
export function varint(value: number): Buffer {
  const out: number[] = []
  let n = value
  do {
    let b = n % 128
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    out.push(b)
  } while (n > 0)
  return Buffer.from(out)
}

/** Only the fixed header of a packet declaring `remaining` bytes of body. */
export function header(firstByte: number, remaining: number): Buffer {
  return Buffer.concat([Buffer.from([firstByte]), varint(remaining)])
}

export function frame(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([header(firstByte, body.length), body])
}

export interface ConnectOptions {
  clientId?: Text
  clean?: boolean
  keepalive?: number
  username?: Text
  password?: Text
  will?: { topic: Text; payload: Text; qos?: 0 | 1; retain?: boolean }
}

export function connect(options: ConnectOptions = {}): Buffer {
  const { clean = true, keepalive = 60, will } = options
  let flags = clean ? 0x02 : 0
  if (will) flags |= 0x04 | ((will.qos ?? 0) << 3) | (will.retain ? 0x20 : 0)
  if (options.password !== undefined) flags |= 0x40
  if (options.username !== undefined) flags |= 0x80
  const keep = Buffer.alloc(2)
  keep.writeUInt16BE(keepalive, 0)
  const parts = [str('MQTT'), Buffer.from([4, flags]), keep, str(options.clientId ?? '')]
  if (will) parts.push(str(will.topic), str(will.payload))
  if (options.username !== undefined) parts.push(str(options.username))
  if (options.password !== undefined) parts.push(str(options.password))
  return frame(0x10, Buffer.concat(parts))
}

export function publish(
  topic: Text,
  payload: Text,
  options: { qos?: 0 | 1; id?: number; retain?: boolean } = {},
): Buffer {
  const qos = options.qos ?? 0
  const parts = [str(topic)]
  if (qos > 0) {
    const id = Buffer.alloc(2)
    id.writeUInt16BE(options.id ?? 1, 0)
    parts.push(id)
  }
  parts.push(bytes(payload))
  return frame(0x30 | (qos << 1) | (options.retain ? 1 : 0), Buffer.concat(parts))
}

export function subscribe(id: number, filters: Text[], qos: 0 | 1 = 0): Buffer {
  const head = Buffer.alloc(2)
  head.writeUInt16BE(id, 0)
  return frame(0x82, Buffer.concat([head, ...filters.flatMap((f) => [str(f), Buffer.from([qos])])]))
}

export function unsubscribe(id: number, filters: Text[]): Buffer {
  const head = Buffer.alloc(2)
  head.writeUInt16BE(id, 0)
  return frame(0xa2, Buffer.concat([head, ...filters.map(str)]))
}

export const PINGREQ = Buffer.from([0xc0, 0x00])
export const DISCONNECT = Buffer.from([0xe0, 0x00])
