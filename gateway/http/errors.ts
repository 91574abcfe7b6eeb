/**
 * Every failure leaves the API in one shape, `{ code, message, details? }`, with a code from the catalogue
 * (src/errors.ts). Known failures are mapped to their code; anything else is a 500 INTERNAL whose cause is
 * logged with the request id and never sent to the client.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, isAppError } from '../../src/errors.js'

interface ValidationFailure {
  validation: { instancePath: string; message?: string; keyword: string }[]
  validationContext?: string
}

function hasValidation(error: unknown): error is ValidationFailure {
  return typeof error === 'object' && error !== null && Array.isArray((error as ValidationFailure).validation)
}

/** The catalogue error for a failure, or null when it is unexpected. */
export function toAppError(error: unknown): AppError | null {
  if (isAppError(error)) return error
  if (hasValidation(error)) {
    const where = error.validationContext ?? 'request'
    const issues = error.validation.map((issue) => ({
      in: where,
      path: issue.instancePath || '/',
      code: issue.keyword,
      message: issue.message ?? 'invalid',
    }))
    const summary = issues.map((i) => `${i.in}${i.path === '/' ? '' : i.path}: ${i.message}`).join('; ')
    return new AppError('VALIDATION_FAILED', summary, { issues })
  }
  // Client errors raised by fastify and its parsers (body, content type, size): their messages are about the
  // request, not the server.
  const status = (error as Partial<FastifyError> | null)?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = (error as Error).message
    if (status === 413) return new AppError('PAYLOAD_TOO_LARGE', message)
    if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', message)
    if (status === 404) return new AppError('NOT_FOUND', message)
    return new AppError('VALIDATION_FAILED', message)
  }
  return null
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = toAppError(error)
  if (!known || known.status >= 500) {
    request.log.error({ err: error }, 'request failed')
  } else {
    request.log.info({ code: known.code, message: known.message }, 'request refused')
  }
  const sent =
    known && known.code !== 'INTERNAL'
      ? known
      : new AppError('INTERNAL', undefined, { requestId: request.id })
  // A route may have set another content type (text for /metrics) before it failed.
  return reply.code(sent.status).type('application/json; charset=utf-8').send(sent.toJSON())
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0]
  return reply.code(404).send(new AppError('NOT_FOUND', `no route ${request.method} ${path}`).toJSON())
}
