import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type ErrorWithReasonCode } from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { type Harness, reading, SECRET, startBroker } from './harness.js'
import { connect, publish } from './packets.js'

describe('broker over WebSocket', () => {
  let h: Harness
  afterEach(() => h.close())

  it('serves MQTT on the configured path', async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    const client = await h.connect('box-1', { url: `ws://127.0.0.1:${h.broker.ports.ws}/mqtt` })
    await client.publishAsync('cc/box-1/telemetry', reading(1), { qos: 1 })
    expect(h.count('readings', 'box-1')).toBe(1)
  })

  it('refuses other paths and plain HTTP requests', async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    const ws = new WebSocket(`ws://127.0.0.1:${h.broker.ports.ws}/other`, 'mqtt')
    const failure = await new Promise<Error>((resolve) => ws.once('error', resolve))
    expect(failure.message).toContain('400')
    const res = await fetch(`http://127.0.0.1:${h.broker.ports.ws}/mqtt`)
    expect(res.status).toBe(426)
  })

  it('guards WebSocket connections like TCP ones', async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    const ws = new WebSocket(`ws://127.0.0.1:${h.broker.ports.ws}/mqtt`, 'mqtt')
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const closed = new Promise((resolve) => ws.once('close', resolve))
    const messages: Buffer[] = []
    ws.on('message', (data: Buffer) => messages.push(data))
    ws.send(connect({ clientId: 'w', username: 'box-1', password: SECRET }))
    await new Promise((r) => setTimeout(r, 100))
    ws.send(publish(Buffer.from([0x63, 0x63, 0x2f, 0xff]), reading(1), { qos: 1 }))
    await closed
    expect([...Buffer.concat(messages)]).toEqual([0x20, 2, 0, 0]) // the CONNACK and nothing else
    expect(h.count('dead_letters')).toBe(0)
  })
})

describe('broker over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-tls-'))
  const file = (name: string) => join(dir, name)
  // Runs in the temp directory, so file names are relative; no argument holds a space.
  const openssl = (command: string) =>
    execFileSync('openssl', command.split(' '), { cwd: dir, stdio: 'pipe' })
  const newKey = (name: string) =>
    `-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ${name}.key`
  /** A key and a certificate for `cn`, signed by the test CA (or self-signed when `signer` is null). */
  const issue = (name: string, cn: string, signer: 'ca' | null, ext?: string) => {
    if (!signer) {
      openssl(`req -x509 ${newKey(name)} -out ${name}.crt -days 1 -subj /CN=${cn}`)
      return
    }
    openssl(`req ${newKey(name)} -out ${name}.csr -subj /CN=${cn}`)
    const extension = ext ? ` -extfile ${ext}` : ''
    openssl(
      `x509 -req -in ${name}.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out ${name}.crt -days 1${extension}`,
    )
  }
  const pem = (name: string) => readFileSync(file(name))
  let h: Harness

  beforeAll(() => {
    issue('ca', 'test-ca', null)
    writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\n')
    issue('server', '127.0.0.1', 'ca', 'server.ext')
    issue('box-1', 'box-1', 'ca')
    issue('ghost', 'ghost', 'ca')
    issue('rogue', 'box-1', null)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  afterEach(() => h.close())

  const tls = (extra: object = {}) => ({
    mqtt: { tlsCertFile: file('server.crt'), tlsKeyFile: file('server.key'), ...extra },
  })
  const url = () => `mqtts://127.0.0.1:${h.broker.ports.tls}`

  it('opens no TLS listener without a certificate', async () => {
    h = await startBroker()
    expect(h.broker.ports.tls).toBeNull()
  })

  it('serves MQTT over TLS with a configured certificate and password login', async () => {
    h = await startBroker(tls())
    await h.addDevice('box-1')
    const client = await h.connect('box-1', { url: url(), ca: pem('ca.crt') })
    await client.publishAsync('cc/box-1/telemetry', reading(1), { qos: 1 })
    expect(h.count('readings', 'box-1')).toBe(1)
  })

  it('authenticates a device by the CN of a client certificate from the CA, without password', async () => {
    h = await startBroker(tls({ tlsCaFile: file('ca.crt') }))
    await h.addDevice('box-1')
    const client = await mqtt.connectAsync(url(), {
      protocolVersion: 4,
      reconnectPeriod: 0,
      clientId: 'cert-client',
      ca: pem('ca.crt'),
      cert: pem('box-1.crt'),
      key: pem('box-1.key'),
    })
    h.clients.add(client)
    await client.publishAsync('cc/box-1/telemetry', reading(1), { qos: 1 })
    expect(h.count('readings', 'box-1')).toBe(1)
  })

  it('refuses with CONNACK 4 a certificate whose CN is no device, or one the CA did not sign', async () => {
    h = await startBroker(tls({ tlsCaFile: file('ca.crt') }))
    await h.addDevice('box-1')
    for (const name of ['ghost', 'rogue']) {
      const err = (await mqtt
        .connectAsync(url(), {
          protocolVersion: 4,
          reconnectPeriod: 0,
          ca: pem('ca.crt'),
          cert: pem(`${name}.crt`),
          key: pem(`${name}.key`),
        })
        .catch((e: unknown) => e)) as ErrorWithReasonCode
      expect(err.code).toBe(4)
    }
  })

  it('refuses clients without a certificate when one is required', async () => {
    h = await startBroker(tls({ tlsCaFile: file('ca.crt'), tlsRequireClientCert: true }))
    await h.addDevice('box-1')
    await expect(
      h.connect('box-1', { url: url(), ca: pem('ca.crt'), connectTimeout: 1_000 }),
    ).rejects.toThrow()
  })
})
