/**
 * The relay's one I/O: an OutboundRequest over HTTP with a timeout. Redirects are not followed: a platform that
 * moved answers 3xx, which the adapters treat as a permanent failure to look at, not something to chase.
 *
 * Two implementations with the same contract. `fetchTransport`: the global fetch (undici's default agent keeps
 * connections alive per origin). `httpTransport`: node:http(s) with a keep-alive agent; it costs about a third
 * of fetch's CPU per request (measured in bench/writeback.ts), which is what bounds deliveries per second on a
 * busy gateway, so the relay uses it by default.
 */
import http from 'node:http'
import https from 'node:https'
import type { OutboundRequest, PlatformReply } from '../types.js'

export type Transport = (request: OutboundRequest) => Promise<PlatformReply>

/** Replies larger than this are cut: the adapters read a short JSON status, never a document. */
const MAX_REPLY_CHARS = 64 * 1024

const timeoutError = () => new DOMException('request timed out', 'TimeoutError')

export function fetchTransport(timeoutMs: number): Transport {
  return async (request) => {
    // A plain controller and timer: AbortSignal.timeout() costs a transferable signal per request.
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(timeoutError()), timeoutMs)
    try {
      const res = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: abort.signal,
      })
      const headers: Record<string, string> = {}
      res.headers.forEach((value, name) => {
        headers[name] = value
      })
      const body = await res.text()
      return { status: res.status, headers, body: body.slice(0, MAX_REPLY_CHARS) }
    } finally {
      clearTimeout(timer)
    }
  }
}

/** node:http(s) with keep-alive agents; `maxSockets` bounds the connections per platform host. */
export function httpTransport(timeoutMs: number, maxSockets = 256): Transport {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets }),
  }
  return (request) =>
    new Promise<PlatformReply>((resolve, reject) => {
      const url = new URL(request.url)
      const secure = url.protocol === 'https:'
      const send = secure ? https.request : http.request
      const req = send(
        url,
        {
          method: request.method,
          headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
          agent: secure ? agents['https:'] : agents['http:'],
          timeout: timeoutMs,
        },
        (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            if (body.length < MAX_REPLY_CHARS) body += chunk
          })
          res.on('end', () => {
            const headers: Record<string, string> = {}
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
            }
            resolve({ status: res.statusCode ?? 0, headers, body: body.slice(0, MAX_REPLY_CHARS) })
          })
          res.on('error', reject)
        },
      )
      // `timeout` fires on socket inactivity; the whole exchange is bounded by the same time below.
      const timer = setTimeout(() => req.destroy(timeoutError()), timeoutMs)
      req.on('timeout', () => req.destroy(timeoutError()))
      req.on('error', reject)
      req.on('close', () => clearTimeout(timer))
      req.end(request.body)
    })
}
