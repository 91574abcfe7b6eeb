/**
 * The error catalogue (STYLE rule 5): every error the gateway reports — over HTTP, in a dead letter, in a log —
 * carries one of these stable codes. A code never changes meaning; new ones are added at the end of a section.
 * `docs/errors.md` is generated from this table (`npm run docs`).
 */
export const catalogue = {
  // Configuration and lifecycle
  CONFIG_INVALID: {
    status: 500,
    retriable: false,
    doc: 'The configuration failed validation; the message names each bad key.',
  },
  STORE_UNAVAILABLE: { status: 503, retriable: true, doc: 'The store is closed or failed to commit.' },
  SHUTTING_DOWN: { status: 503, retriable: true, doc: 'The gateway is stopping and accepts no new work.' },

  // HTTP API
  VALIDATION_FAILED: {
    status: 400,
    retriable: false,
    doc: 'The request body, query or parameters do not match the schema.',
  },
  UNAUTHENTICATED: { status: 401, retriable: false, doc: 'No bearer token, or an unknown one.' },
  FORBIDDEN: { status: 403, retriable: false, doc: "The token's role may not do this." },
  NOT_FOUND: { status: 404, retriable: false, doc: 'No such resource (or not visible to this token).' },
  CONFLICT: {
    status: 409,
    retriable: false,
    doc: 'The resource exists already or its state forbids the change.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, retriable: false, doc: 'The request body exceeds the configured limit.' },
  RATE_LIMITED: { status: 429, retriable: true, doc: 'Too many requests; retry after the given delay.' },
  INTERNAL: { status: 500, retriable: true, doc: 'An unexpected failure; it is logged with a request id.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    retriable: false,
    doc: 'The request body has a content type the API does not accept (use application/json).',
  },

  // Ingest: reasons a message (or one reading of a batch) is dead-lettered
  INGEST_UNKNOWN_TOPIC: {
    status: 422,
    retriable: false,
    doc: 'The topic is not one of the device contract.',
  },
  INGEST_NOT_UTF8: { status: 422, retriable: false, doc: 'The payload is not valid UTF-8.' },
  INGEST_BAD_JSON: { status: 422, retriable: false, doc: 'The payload is not JSON.' },
  INGEST_SCHEMA: {
    status: 422,
    retriable: false,
    doc: 'The payload does not match the schema of its message kind.',
  },
  INGEST_TS_FUTURE: {
    status: 422,
    retriable: false,
    doc: 'The device timestamp is too far ahead of receive time.',
  },
  INGEST_TS_TOO_OLD: {
    status: 422,
    retriable: false,
    doc: 'The device timestamp is older than the accepted age.',
  },
  INGEST_BATCH_TOO_LARGE: { status: 422, retriable: false, doc: 'A batch holds more readings than allowed.' },
  INGEST_DEVICE_MISMATCH: {
    status: 422,
    retriable: false,
    doc: 'The device kind may not send this message kind.',
  },
  INGEST_SEQ_CONFLICT: {
    status: 422,
    retriable: false,
    doc: 'The (device, seq) was stored before with different content.',
  },
  INGEST_UNKNOWN_DEVICE: {
    status: 422,
    retriable: false,
    doc: 'A bridged message names a device the registry does not know (bridge.unknownDevices = dead_letter).',
  },
  INGEST_DEVICE_DISABLED: {
    status: 422,
    retriable: false,
    doc: 'A bridged message names a device that is disabled in the registry.',
  },

  // MQTT: why a client was refused or cut off (logged and counted)
  MQTT_BAD_CREDENTIALS: {
    status: 401,
    retriable: false,
    doc: 'Unknown device, wrong secret, or disabled device.',
  },
  MQTT_TOPIC_DENIED: {
    status: 403,
    retriable: false,
    doc: "Publish or subscribe outside the device's own topics.",
  },
  MQTT_PROTOCOL: {
    status: 400,
    retriable: false,
    doc: 'A protocol violation (ill-formed topic, oversized packet, bad client id).',
  },
} as const satisfies Record<string, { status: number; retriable: boolean; doc: string }>

export type ErrorCode = keyof typeof catalogue

/** An error that is data: stable code, HTTP status and retriable flag from the catalogue, optional details. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly retriable: boolean
  readonly details: unknown

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? catalogue[code].doc)
    this.name = 'AppError'
    this.code = code
    this.status = catalogue[code].status
    this.retriable = catalogue[code].retriable
    this.details = details
  }

  /** The wire shape of every API error: `{ code, message, details? }`. */
  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError
}
