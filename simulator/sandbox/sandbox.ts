/**
 * The platform sandbox: one HTTP server that plays every platform at its own path (platforms/index.ts), verifies
 * each request as the platform does, answers in the platform's shapes, records everything it received and
 * injects faults per platform. Embeddable in tests (`startSandbox({ port: 0 })`) and run by `main.ts`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { control } from './control.js'
import { type CredentialOverrides, mergeCredentials } from './credentials.js'
import { FaultBoard, type FaultDecision } from './faults.js'
import { json } from './platforms/common.js'
import { platforms, route } from './platforms/index.js'
import { Recorder } from './recorder.js'
import type {
  Answer,
  Fault,
  PlatformName,
  Received,
  RecordedRequest,
  RequestFilter,
  SandboxCredentials,
  Verdict,
} from './types.js'

export interface SandboxOptions {
  /** Loopback by default. */
  host?: string
  /** 0 picks a free port. */
  port?: number
  /** Per-platform overrides of the demo credentials. */
  credentials?: CredentialOverrides
  /** The platforms' clock, for timestamp windows and outage windows; a test may pass its fake clock. */
  clock?: () => number
  /** Faults in force from the start. */
  faults?: Partial<Record<PlatformName, Fault>>
  /** Most requests kept in memory (oldest dropped first). */
  maxRecorded?: number
  /** Largest request body accepted. */
  maxBodyBytes?: number
}

export interface Sandbox {
  /** Base URL, e.g. `http://127.0.0.1:9300`. */
  url: string
  port: number
  credentials: SandboxCredentials
  requests(filter?: RequestFilter): RecordedRequest[]
  setFault(platform: PlatformName, fault: Fault): void
  clearFaults(platform?: PlatformName): void
  /** Forgets received requests and clears every fault. */
  clear(): void
  stop(): Promise<void>
}

const faultAnswers: Record<
  FaultDecision['kind'],
  (platform: PlatformName, now: number, d: FaultDecision) => Answer
> = {
  gone: () => json(410, { error: 'gone', message: 'this endpoint has been removed' }),
  outage: () => ({ status: 503, headers: { 'content-type': 'text/plain' }, body: 'Service Unavailable' }),
  rateLimit: (platform, now, d) => {
    const answer = platforms[platform].rateLimited(now)
    const retryAfter = d.kind === 'rateLimit' ? d.retryAfter : '1'
    return { ...answer, status: 429, headers: { ...answer.headers, 'retry-after': retryAfter } }
  },
  error: (platform, now) => platforms[platform].systemError(now),
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, answer.headers ?? {})
  res.end(answer.body)
}

function verify<P extends PlatformName>(
  platform: P,
  req: Received,
  credentials: SandboxCredentials,
  now: number,
  badSignature: boolean,
): Verdict {
  try {
    return platforms[platform].handle(req, credentials[platform], { now, badSignature })
  } catch (err) {
    // A handler bug must not look like a platform refusal the adapter could learn from.
    return {
      answer: json(500, { error: 'sandbox_bug', message: String(err) }),
      accepted: false,
      reason: String(err),
    }
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? Date.now
  const credentials = mergeCredentials(options.credentials)
  const board = new FaultBoard()
  const recorder = new Recorder(options.maxRecorded ?? 200_000)
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024
  for (const [name, fault] of Object.entries(options.faults ?? {}))
    board.set(name as PlatformName, fault, clock())

  const api = {
    requests: (filter?: RequestFilter) => recorder.query(filter),
    clearRequests: () => recorder.clear(),
    faults: () => board.all(),
    setFault: (platform: PlatformName, fault: Fault) =>
      board.set(platform, fault, clock() + (fault.clockOffsetMs ?? 0)),
    clearFaults: (platform?: PlatformName) => board.clear(platform),
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox')
    const query = Object.fromEntries(url.searchParams)
    const body = await readBody(req, maxBody)
    if (body === null) return send(res, json(413, { error: 'too_large' }))
    if (url.pathname.startsWith('/_sandbox/'))
      return send(res, control(req.method ?? 'GET', url.pathname, query, body, api))
    const platform = route(url.pathname)
    if (!platform)
      return send(res, json(404, { error: 'not_found', message: `no platform at ${url.pathname}` }))
    if (req.method !== 'POST')
      return send(res, json(405, { error: 'method_not_allowed', message: 'POST only' }))

    const fault = board.get(platform)
    if (fault.latencyMs) await sleep(fault.latencyMs)
    const now = clock() + (fault.clockOffsetMs ?? 0)
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
    }
    const received: Received = { method: req.method, path: url.pathname, query, headers, body }
    const decision = board.decide(platform, now)
    if (decision) {
      const answer = faultAnswers[decision.kind](platform, now, decision)
      const peek = verify(platform, received, credentials, now, false)
      recorder.add({
        platform,
        receivedAt: now,
        ...received,
        outcome: 'fault',
        status: answer.status,
        fault: decision.kind,
        reason: `fault: ${decision.kind}`,
        waybill: peek.waybill,
        orderId: peek.orderId,
        eventId: peek.eventId,
      })
      return send(res, answer)
    }
    const verdict = verify(platform, received, credentials, now, fault.badSignature === true)
    recorder.add({
      platform,
      receivedAt: now,
      ...received,
      outcome: verdict.accepted ? 'accepted' : 'rejected',
      status: verdict.answer.status,
      reason: verdict.reason,
      waybill: verdict.waybill,
      orderId: verdict.orderId,
      eventId: verdict.eventId,
      content: verdict.content,
    })
    send(res, verdict.answer)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, json(500, { error: 'sandbox_bug', message: String(err) }))
    })
  })
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const { port, address } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address

  return {
    url: `http://${host}:${port}`,
    port,
    credentials,
    requests: api.requests,
    setFault: api.setFault,
    clearFaults: api.clearFaults,
    clear() {
      recorder.clear()
      board.clear()
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      }),
  }
}
