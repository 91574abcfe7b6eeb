/**
 * A device's raw readings in device-time order, as stored: both clocks (device `ts`, gateway `receivedAt`) and
 * the quality flag, so sensor faults and late uploads stay visible. Ranges are on device time, `from`
 * inclusive and `to` exclusive, so consecutive windows neither overlap nor leave gaps.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { AppError } from '../../../src/errors.js'
import { ReadingReader, type StoredReading } from '../../../src/store/readings.js'
import { requireRole } from '../auth.js'
import type { HttpDeps } from '../deps.js'
import {
  authErrors,
  bearer,
  cursor,
  deviceParams,
  encodeCursor,
  errorReplies,
  instant,
  iso,
  isoTime,
  page,
  pageLimit,
} from '../schemas.js'

const query = z
  .object({
    from: instant.optional().describe('Device time, inclusive: ISO-8601 or epoch ms'),
    to: instant.optional().describe('Device time, exclusive: ISO-8601 or epoch ms'),
    limit: pageLimit(500, 5000),
    cursor: cursor.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: '`from` must not be after `to`',
    path: ['from'],
  })

const reading = z
  .object({
    seq: z.number().int(),
    ts: isoTime.describe('Device time'),
    receivedAt: isoTime.describe('Gateway receive time'),
    tempC: z.number().nullable(),
    rh: z.number().nullable(),
    doorOpen: z.boolean().nullable(),
    lat: z.number().nullable(),
    lon: z.number().nullable(),
    batteryPct: z.number().nullable(),
    quality: z.enum(['ok', 'sensor_fault']),
    fault: z.string().nullable().describe('Why the reading is a sensor fault, when it is one'),
  })
  .meta({ id: 'Reading' })

const readingPage = page(reading).extend({ deviceId: z.string() })

function view(r: StoredReading) {
  return {
    seq: r.seq,
    ts: iso(r.ts),
    receivedAt: iso(r.receivedAt),
    tempC: r.tempC,
    rh: r.rh,
    doorOpen: r.doorOpen,
    lat: r.lat,
    lon: r.lon,
    batteryPct: r.batteryPct,
    quality: r.quality,
    fault: r.fault,
  }
}

export const readingRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const reader = new ReadingReader(deps.db)

  app.get(
    '/:id/readings',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['readings'],
        summary: "A device's readings in device-time order, a page at a time (admin, ops)",
        security: bearer,
        params: deviceParams,
        querystring: query,
        response: { 200: readingPage, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => {
      const { id } = request.params
      if (!deps.devices.get(id)) throw new AppError('NOT_FOUND', `no device ${id}`)
      const { from, to, limit, cursor: after } = request.query
      const result = reader.page(id, { from, to, limit, after: after && { ts: after[0], id: after[1] } })
      return {
        deviceId: id,
        items: result.items.map(view),
        next: result.next && encodeCursor(result.next.ts, result.next.id),
      }
    },
  )
}
