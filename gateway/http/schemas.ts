/**
 * Schemas shared by the routes: the error reply, times, page sizes and opaque keyset cursors. Request schemas
 * validate and convert (strings of the query become numbers); reply schemas only describe, because replies are
 * encoded through them and a one-way transform cannot be encoded.
 */
import { z } from 'zod'
import { catalogue, type ErrorCode } from '../../src/errors.js'
import { DEVICE_ID_PATTERN } from '../../src/store/devices.js'

const codes = Object.keys(catalogue) as [ErrorCode, ...ErrorCode[]]

/** The wire shape of every error: `AppError.toJSON()`. */
export const apiError = z
  .object({
    code: z.enum(codes).describe('Stable code from the error catalogue'),
    message: z.string(),
    details: z.unknown().optional(),
  })
  .meta({
    id: 'ApiError',
    description: 'Every error reply: a stable code, a message, and details when useful',
  })

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 503

/** The error replies a route documents, each with the `ApiError` schema. */
export function errorReplies<S extends ErrorStatus>(...statuses: S[]): { [K in S]: typeof apiError } {
  return Object.fromEntries(statuses.map((s) => [s, apiError])) as { [K in S]: typeof apiError }
}

/** Reply statuses every authenticated route may answer with. */
export const authErrors = [400, 401, 403] as const

/** OpenAPI security requirement for bearer-token routes (the scheme is declared in openapi.ts). */
export const bearer = [{ bearer: [] }]

/** A reply time: ISO-8601 in UTC with milliseconds. */
export const isoTime = z.iso.datetime()

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}

const EPOCH_MS = /^\d{1,15}$/
const isoDateTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()])

/** A query time: ISO-8601 with a zone (or a bare date, read as UTC midnight), or epoch milliseconds. */
export const instant = z.string().transform((value, ctx) => {
  if (EPOCH_MS.test(value)) return Number(value)
  if (isoDateTime.safeParse(value).success) return Date.parse(value)
  ctx.addIssue({
    code: 'custom',
    message: 'expected an ISO-8601 date-time with a zone, or epoch milliseconds',
  })
  return z.NEVER
})

/** `limit` of a page: an integer in [1, max], `fallback` when absent. */
export function pageLimit(fallback: number, max: number) {
  return z.coerce.number().int().min(1).max(max).default(fallback).describe(`Page size, at most ${max}`)
}

/**
 * Keyset cursors are opaque to clients: a base64url pair of integers. Clients pass back the `next` they were
 * given; its content may change between versions.
 */
export function encodeCursor(a: number, b: number): string {
  return Buffer.from(JSON.stringify([a, b])).toString('base64url')
}

export function decodeCursor(value: string): [number, number] | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every(Number.isSafeInteger)) {
      return parsed as [number, number]
    }
  } catch {
    // not JSON: reported below like any other malformed cursor
  }
  return null
}

export const cursor = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const pair = decodeCursor(value)
    if (pair) return pair
    ctx.addIssue({ code: 'custom', message: 'not a cursor this API issued; pass back `next` unchanged' })
    return z.NEVER
  })
  .describe('The `next` value of the previous page')

/** A page of a list: the items and the cursor of the next page, null on the last one. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next: z.string().nullable() })
}

export const deviceId = z
  .string()
  .regex(DEVICE_ID_PATTERN, 'letters, digits and . _ : - only, starting with a letter or digit, at most 64')
  .describe('Device id; also its MQTT username and topic level')

export const deviceParams = z.object({ id: deviceId })
