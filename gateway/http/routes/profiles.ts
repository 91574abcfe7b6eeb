/**
 * Temperature profiles (issue 3: "the defaults of specs/cold-chain.md, editable through the API"): list, read,
 * and replace or add one. An edit is validated as a whole (bounds ordered, hysteresis narrower than half the
 * band, humidity within 0–100 %RH), kept in the store, and used from each waybill's next evaluation on; orders
 * override a profile per order in their own body (`profileOverride`).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Principal } from '../../../src/auth/tokens.js'
import { AppError } from '../../../src/errors.js'
import { PROFILE_NAME } from '../../../src/monitoring/profile-store.js'
import { requireRole } from '../auth.js'
import type { OrderDeps } from '../deps.js'
import { authErrors, bearer, errorReplies } from '../schemas.js'
import { profileBody, profileEntry, profileEntryView } from './order-views.js'

const params = z.object({
  name: z.string().regex(PROFILE_NAME, 'letters, digits, "_" or "-", at most 64'),
})

export const profileRoutes: FastifyPluginAsyncZod<{ deps: OrderDeps }> = async (app, { deps }) => {
  const profiles = deps.monitor.profiles

  app.get(
    '',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      schema: {
        tags: ['profiles'],
        summary: 'Every temperature profile: the defaults (as edited) and those added',
        security: bearer,
        response: { 200: z.object({ items: z.array(profileEntry) }), ...errorReplies(...authErrors) },
      },
    },
    async () => ({ items: profiles.list().map(profileEntryView) }),
  )

  app.get(
    '/:name',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      schema: {
        tags: ['profiles'],
        summary: 'One temperature profile',
        security: bearer,
        params,
        response: { 200: profileEntry, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => {
      const found = profiles.entry(request.params.name)
      if (!found) throw new AppError('NOT_FOUND', `no profile ${request.params.name}`)
      return profileEntryView(found)
    },
  )

  app.put(
    '/:name',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['profiles'],
        summary: 'Replace a profile, or add one; used from the next evaluation of each waybill (admin, ops)',
        security: bearer,
        params,
        body: profileBody,
        response: { 200: profileEntry, 201: profileEntry, ...errorReplies(...authErrors) },
      },
    },
    async (request, reply) => {
      const principal = request.principal as Principal
      const { created, entry } = profiles.put(request.params.name, request.body, principal.id, deps.clock())
      request.log.info({ profile: request.params.name, created, by: principal.id }, 'profile saved')
      return reply.code(created ? 201 : 200).send(profileEntryView(entry))
    },
  )
}
