/**
 * The sandbox's own HTTP API under `/_sandbox/`: query what was received, set and clear faults, reset.
 *   GET    /_sandbox/requests?platform=&waybill=&outcome=&eventId=&after=   → { count, requests }
 *   DELETE /_sandbox/requests                                               → forget what was received
 *   GET    /_sandbox/faults                                                 → faults per platform
 *   POST   /_sandbox/faults   { platform: <name> | "all", ...fault }        → replace that platform's faults
 *   DELETE /_sandbox/faults?platform=                                       → clear one platform's or all faults
 *   POST   /_sandbox/reset                                                  → clear requests and faults
 */
import { z } from 'zod'
import { json } from './platforms/common.js'
import type { Answer, Fault, PlatformName, RecordedRequest, RequestFilter } from './types.js'
import { platformNames } from './types.js'

const ms = z.number().int().min(0)
export const faultSchema = z.strictObject({
  latencyMs: ms.max(60_000).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  rateLimit: z
    .strictObject({ retryAfterS: ms, httpDate: z.boolean().optional(), count: ms.optional() })
    .optional(),
  outage: z.strictObject({ from: ms.optional(), until: ms.optional(), forMs: ms.optional() }).optional(),
  gone: z.boolean().optional(),
  badSignature: z.boolean().optional(),
  clockOffsetMs: z.number().int().optional(),
})

const setFaultSchema = faultSchema.extend({ platform: z.enum([...platformNames, 'all']) })

const filterSchema = z.object({
  platform: z.enum(platformNames).optional(),
  waybill: z.string().optional(),
  outcome: z.enum(['accepted', 'rejected', 'fault']).optional(),
  eventId: z.string().optional(),
  after: z.coerce.number().int().optional(),
})

export interface ControlTarget {
  requests(filter?: RequestFilter): RecordedRequest[]
  clearRequests(): void
  faults(): Partial<Record<PlatformName, Fault>>
  setFault(platform: PlatformName, fault: Fault): void
  clearFaults(platform?: PlatformName): void
}

const invalid = (error: z.ZodError): Answer =>
  json(400, { error: 'invalid', issues: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) })

export function control(
  method: string,
  path: string,
  query: Record<string, string>,
  body: string,
  sandbox: ControlTarget,
): Answer {
  const key = `${method} ${path}`
  switch (key) {
    case 'GET /_sandbox/requests': {
      const filter = filterSchema.safeParse(query)
      if (!filter.success) return invalid(filter.error)
      const requests = sandbox.requests(filter.data as RequestFilter)
      return json(200, { count: requests.length, requests })
    }
    case 'DELETE /_sandbox/requests':
      sandbox.clearRequests()
      return json(200, { ok: true })
    case 'GET /_sandbox/faults':
      return json(200, sandbox.faults())
    case 'POST /_sandbox/faults': {
      let raw: unknown
      try {
        raw = JSON.parse(body)
      } catch {
        return json(400, { error: 'invalid', issues: ['body is not JSON'] })
      }
      const parsed = setFaultSchema.safeParse(raw)
      if (!parsed.success) return invalid(parsed.error)
      const { platform, ...fault } = parsed.data
      for (const name of platform === 'all' ? platformNames : [platform]) sandbox.setFault(name, fault)
      return json(200, sandbox.faults())
    }
    case 'DELETE /_sandbox/faults': {
      const platform = z.enum(platformNames).optional().safeParse(query.platform)
      if (!platform.success) return invalid(platform.error)
      sandbox.clearFaults(platform.data)
      return json(200, sandbox.faults())
    }
    case 'POST /_sandbox/reset':
      sandbox.clearRequests()
      sandbox.clearFaults()
      return json(200, { ok: true })
    default:
      return json(404, { error: 'not_found', message: `no sandbox control route ${key}` })
  }
}
