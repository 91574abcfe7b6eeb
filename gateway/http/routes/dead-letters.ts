/**
 * Dead letters, newest first: what the gateway refused from devices and why, with a bounded payload sample,
 * so an operator can find a misconfigured device without reading logs.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { catalogue, type ErrorCode } from '../../../src/errors.js'
import { DeadLetterReader, type StoredDeadLetter } from '../../../src/store/dead-letters.js'
import { requireRole } from '../auth.js'
import type { HttpDeps } from '../deps.js'
import {
  authErrors,
  bearer,
  cursor,
  deviceId,
  encodeCursor,
  errorReplies,
  instant,
  iso,
  isoTime,
  page,
  pageLimit,
} from '../schemas.js'

const reasons = z.enum(Object.keys(catalogue) as [ErrorCode, ...ErrorCode[]])

const query = z.object({
  device: deviceId.optional().describe('Only letters from this device'),
  reason: reasons.optional().describe('Only letters with this reason code'),
  since: instant.optional().describe('Receive time, inclusive: ISO-8601 or epoch ms'),
  limit: pageLimit(100, 1000),
  cursor: cursor.optional(),
})

const deadLetter = z
  .object({
    id: z.number().int(),
    receivedAt: isoTime,
    deviceId: z.string().nullable(),
    topic: z.string(),
    reason: reasons,
    detail: z.string(),
    index: z
      .number()
      .int()
      .nullable()
      .describe('Position in the batch, when one reading of a batch was refused'),
    sample: z.string().describe('The first bytes of the payload, as text where it decodes, else base64'),
    payloadBytes: z.number().int(),
  })
  .meta({ id: 'DeadLetter' })

function view(d: StoredDeadLetter) {
  return { ...d, receivedAt: iso(d.receivedAt) }
}

export const deadLetterRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const reader = new DeadLetterReader(deps.db)

  app.get(
    '',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['dead-letters'],
        summary: 'Refused device input, newest first, a page at a time (admin, ops)',
        security: bearer,
        querystring: query,
        response: { 200: page(deadLetter), ...errorReplies(...authErrors) },
      },
    },
    async (request) => {
      const { device, reason, since, limit, cursor: before } = request.query
      const result = reader.page({
        deviceId: device,
        reason,
        since,
        limit,
        before: before && { receivedAt: before[0], id: before[1] },
      })
      return {
        items: result.items.map(view),
        next: result.next && encodeCursor(result.next.receivedAt, result.next.id),
      }
    },
  )
}
