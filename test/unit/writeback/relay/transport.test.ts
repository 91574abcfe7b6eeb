import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { demoCredentials } from '../../../../simulator/sandbox/index.js'
import type { OutboxRow } from '../../../../src/writeback/outbox/store.js'
import { attempt } from '../../../../src/writeback/relay/attempt.js'
import { fetchTransport, httpTransport, type Transport } from '../../../../src/writeback/relay/transport.js'
import { node, target } from '../fixtures.js'

const transports: [string, (timeoutMs: number) => Transport][] = [
  ['node:http', (ms) => httpTransport(ms)],
  ['fetch', (ms) => fetchTransport(ms)],
]

describe.each(transports)('the %s transport', (_name, make) => {
  let server: Server
  let base: string
  const sockets = new Set<unknown>()
  let handler: (
    path: string,
    body: string,
  ) => { status: number; headers?: Record<string, string>; body?: string } | null
  beforeEach(async () => {
    handler = () => ({ status: 200, body: '{"ok":true}' })
    server = createServer((req, res) => {
      sockets.add(req.socket)
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        const answer = handler(req.url ?? '/', body)
        if (!answer) return // never answers
        res.writeHead(answer.status, answer.headers ?? {})
        res.end(answer.body ?? '')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    sockets.clear()
  })
  afterEach(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  const request = (path = '/hook', body = '{"a":1}') => ({
    method: 'POST' as const,
    url: base + path,
    headers: { 'content-type': 'application/json', 'x-test': 'yes' },
    body,
  })

  it('sends the body and headers and returns status, lower-case headers and body', async () => {
    let seen = ''
    handler = (_path, body) => {
      seen = body
      return { status: 429, headers: { 'Retry-After': '7' }, body: 'slow down' }
    }
    const reply = await make(1000)(request())
    expect(seen).toBe('{"a":1}')
    expect(reply).toMatchObject({ status: 429, body: 'slow down' })
    expect(reply.headers['retry-after']).toBe('7')
  })

  it('keeps connections alive between requests', async () => {
    const transport = make(1000)
    for (let i = 0; i < 10; i++) await transport(request())
    // undici may open a second connection before the first is back in its pool; never one per request.
    expect(sockets.size).toBeLessThanOrEqual(2)
  })

  it('does not follow redirects', async () => {
    handler = () => ({ status: 301, headers: { location: '/elsewhere' } })
    expect((await make(1000)(request())).status).toBe(301)
  })

  it('gives up after the timeout, which the relay retries as a network failure', async () => {
    handler = () => null
    const row = { payload: JSON.stringify(node()) } as OutboxRow
    const hook = target('webhook', base, demoCredentials)
    const result = await attempt(hook, row, make(200), Date.now)
    expect(result.outcome).toEqual({ result: 'retry', reason: 'network: request timed out' })
  })

  it('reports a refused connection as a retriable network failure', async () => {
    const row = { payload: JSON.stringify(node()) } as OutboxRow
    const spare = createServer()
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve))
    const port = (spare.address() as AddressInfo).port
    await new Promise((resolve) => spare.close(resolve))
    const closed = target('webhook', `http://127.0.0.1:${port}`, demoCredentials)
    const result = await attempt(closed, row, make(1000), Date.now)
    expect(result.outcome).toMatchObject({
      result: 'retry',
      reason: expect.stringMatching(/^network: .*ECONNREFUSED/),
    })
  })
})
