/**
 * The device registry. Registering a device or rotating its secret returns the secret once; only its scrypt
 * hash is stored. Disabling a device or rotating its secret cuts its MQTT session at once, because the broker
 * checks credentials only at CONNECT.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { generateSecret, hashSecret } from '../../../src/auth/secrets.js'
import { AppError } from '../../../src/errors.js'
import { deviceKinds } from '../../../src/model.js'
import type { Device } from '../../../src/store/devices.js'
import { requireRole } from '../auth.js'
import type { HttpDeps } from '../deps.js'
import {
  authErrors,
  bearer,
  deviceId,
  deviceParams,
  errorReplies,
  iso,
  isoTime,
  page,
  pageLimit,
} from '../schemas.js'

const label = z.string().max(200)
const container = z.string().min(1).max(128).describe('The truck or box the device is mounted in')

const device = z
  .object({
    id: z.string(),
    kind: z.enum(deviceKinds),
    label: z.string(),
    container: z.string().nullable(),
    enabled: z.boolean(),
    createdAt: isoTime,
    updatedAt: isoTime,
    lastSeenAt: isoTime.nullable(),
  })
  .meta({ id: 'Device' })

const deviceWithSecret = device
  .extend({ secret: z.string().describe('The MQTT password. Shown once: only its hash is kept.') })
  .meta({ id: 'DeviceWithSecret' })

const registration = z.strictObject({
  id: deviceId,
  kind: z.enum(deviceKinds),
  label: label.optional(),
  container: container.optional(),
})
const changes = z
  .strictObject({
    label: label.optional(),
    container: container.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .refine((c) => Object.keys(c).length > 0, 'name at least one of label, container, enabled')
const listQuery = z.object({
  kind: z.enum(deviceKinds).optional(),
  after: deviceId.optional().describe('The `next` of the previous page'),
  limit: pageLimit(100, 1000),
})

function view(d: Device) {
  return {
    ...d,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
    lastSeenAt: d.lastSeenAt === null ? null : iso(d.lastSeenAt),
  }
}

export const deviceRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const { devices, broker, config } = deps
  const find = (id: string): Device => {
    const found = devices.get(id)
    if (!found) throw new AppError('NOT_FOUND', `no device ${id}`)
    return found
  }

  app.post(
    '',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['devices'],
        summary: 'Register a device; the reply holds its secret, shown once (admin)',
        security: bearer,
        body: registration,
        response: { 201: deviceWithSecret, ...errorReplies(...authErrors, 409) },
      },
    },
    async (request, reply) => {
      const { id, kind, label, container } = request.body
      // Checked before hashing, so a duplicate costs no scrypt; create() still refuses one that races in.
      if (devices.get(id)) throw new AppError('CONFLICT', `device ${id} exists already`)
      const secret = generateSecret()
      const secretHash = await hashSecret(secret, config.auth.scryptLog2N)
      const created = devices.create({ id, kind, label, container, secretHash })
      request.log.info({ deviceId: id, kind, by: request.principal?.id }, 'device registered')
      return reply.code(201).send({ ...view(created), secret })
    },
  )

  app.get(
    '',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['devices'],
        summary: 'List devices by id, a page at a time (admin, ops)',
        security: bearer,
        querystring: listQuery,
        response: { 200: page(device), ...errorReplies(...authErrors) },
      },
    },
    async (request) => {
      const { kind, after, limit } = request.query
      const rows = devices.list({ kind, after, limit: limit + 1 })
      const items = rows.slice(0, limit)
      return { items: items.map(view), next: rows.length > limit ? (items.at(-1)?.id ?? null) : null }
    },
  )

  app.get(
    '/:id',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['devices'],
        summary: 'One device (admin, ops)',
        security: bearer,
        params: deviceParams,
        response: { 200: device, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => view(find(request.params.id)),
  )

  app.patch(
    '/:id',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['devices'],
        summary: 'Change label, container or enabled; disabling disconnects the device at once (admin)',
        security: bearer,
        params: deviceParams,
        body: changes,
        response: { 200: device, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => {
      const { id } = request.params
      const updated = devices.update(id, request.body)
      if (request.body.enabled === false) {
        broker.disconnect(id)
        request.log.info({ deviceId: id, by: request.principal?.id }, 'device disabled')
      }
      return view(updated)
    },
  )

  app.post(
    '/:id/secret',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['devices'],
        summary: 'Rotate the secret: the new one is shown once, the old one stops working at once (admin)',
        security: bearer,
        params: deviceParams,
        response: { 200: deviceWithSecret, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => {
      const { id } = request.params
      find(id)
      const secret = generateSecret()
      const updated = devices.update(id, { secretHash: await hashSecret(secret, config.auth.scryptLog2N) })
      broker.disconnect(id)
      request.log.info({ deviceId: id, by: request.principal?.id }, 'device secret rotated')
      return { ...view(updated), secret }
    },
  )
}
