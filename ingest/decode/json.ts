import type { DecodeContext } from './context.js'

export type JsonResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'INGEST_NOT_UTF8' | 'INGEST_BAD_JSON'; detail: string }

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Payloads are UTF-8 JSON (device contract); ill-formed UTF-8 is refused rather than patched with U+FFFD. */
export function parseJson(ctx: DecodeContext): JsonResult {
  let text: string
  try {
    text = utf8.decode(ctx.payload)
  } catch {
    return { ok: false, reason: 'INGEST_NOT_UTF8', detail: 'payload is not valid UTF-8' }
  }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (err) {
    return { ok: false, reason: 'INGEST_BAD_JSON', detail: (err as Error).message }
  }
}
