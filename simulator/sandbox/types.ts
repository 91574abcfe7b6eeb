/**
 * The sandbox's vocabulary. The sandbox plays every platform from the outside: it shares no code with the
 * gateway (nothing from src/, ingest/ or gateway/), so it checks the adapters against the spec
 * (specs/platforms.md), not against themselves.
 */

export const platformNames = ['webhook', 'kdniao', 'cainiao', 'taobao', 'douyin', 'pinduoduo', 'jd'] as const
export type PlatformName = (typeof platformNames)[number]

/** What each platform is configured with, exactly as the platform would hold it. */
export interface SandboxCredentials {
  /** Standard Webhooks secrets (`whsec_…`) the receiver accepts; any one verifying suffices. */
  webhook: { secrets: string[] }
  kdniao: { eBusinessId: string; appKey: string }
  cainiao: { logisticProviderId: string; secretKey: string }
  taobao: { appKey: string; appSecret: string; session: string }
  douyin: { appKey: string; appSecret: string; accessToken: string }
  pinduoduo: { clientId: string; clientSecret: string; accessToken: string }
  jd: { appKey: string; appSecret: string; accessToken: string }
}

/** Faults injected per platform; every field is optional, an empty object means "behave". */
export interface Fault {
  /** Delay before answering, in real milliseconds. */
  latencyMs?: number
  /** Share (0–1) of requests answered with the platform's retriable system error, drawn from a seeded RNG. */
  errorRate?: number
  seed?: number
  /** Answer HTTP 429 with Retry-After (seconds, or an HTTP-date); `count` limits it to the next N requests. */
  rateLimit?: { retryAfterS: number; httpDate?: boolean; count?: number }
  /** HTTP 503 while the sandbox clock is within [from, until); `forMs` means from now for that long. */
  outage?: { from?: number; until?: number; forMs?: number }
  /** HTTP 410: the endpoint is gone. */
  gone?: boolean
  /** Treat every signature as wrong. */
  badSignature?: boolean
  /** Added to the sandbox clock for this platform's timestamp checks (simulates a skewed platform clock). */
  clockOffsetMs?: number
}

/** The request as received: raw body text, lower-cased headers, decoded query. */
export interface Received {
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  body: string
}

/** An HTTP answer in the platform's own shape. */
export interface Answer {
  status: number
  headers?: Record<string, string>
  body: string
}

/** What a platform made of a request. */
export interface Verdict {
  answer: Answer
  accepted: boolean
  /** Why it was refused (the platform's code and message). */
  reason?: string
  waybill?: string
  orderId?: string
  eventId?: string
  /** The decoded business content (webhook body, RequestData, logistics_interface, business params). */
  content?: unknown
}

export interface VerifyContext {
  now: number
  badSignature: boolean
}

/** One platform as the sandbox plays it (simulator/sandbox/platforms/*.ts). */
export interface PlatformHandler<P extends PlatformName = PlatformName> {
  readonly name: P
  /** Verifies and answers one request. Never throws. */
  handle(req: Received, credentials: SandboxCredentials[P], ctx: VerifyContext): Verdict
  /** The platform's retriable "system busy" answer (error-rate fault). */
  systemError(now: number): Answer
  /** The platform's "too many requests" body, sent with HTTP 429 and Retry-After. */
  rateLimited(now: number): Answer
}

export type RecordOutcome = 'accepted' | 'rejected' | 'fault'

export interface RecordedRequest {
  seq: number
  platform: PlatformName
  /** Sandbox clock (including the platform's clock offset) when the request arrived. */
  receivedAt: number
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  body: string
  outcome: RecordOutcome
  status: number
  reason?: string
  /** The fault that answered, when one did. */
  fault?: 'gone' | 'outage' | 'rateLimit' | 'error'
  waybill?: string
  orderId?: string
  eventId?: string
  content?: unknown
}

export interface RequestFilter {
  platform?: PlatformName
  waybill?: string
  outcome?: RecordOutcome
  eventId?: string
  /** Only requests with a larger sequence number. */
  after?: number
}
