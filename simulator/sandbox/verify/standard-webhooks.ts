/**
 * Standard Webhooks receiver check (specs/platforms.md, "Generic webhook"): the signed content is
 * `{webhook-id}.{webhook-timestamp}.{body}`, the key is the base64 after `whsec_`, each `v1,<base64>` entry of the
 * space-separated header is a candidate, and the timestamp must be within 5 minutes of now.
 */

import { timingSafeEqual } from 'node:crypto'
import { hmac } from './digest.js'

export const WEBHOOK_TOLERANCE_S = 5 * 60

export type WebhookCheck = 'ok' | 'stale' | 'bad-signature' | 'malformed'

export function checkWebhook(
  secrets: readonly string[],
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  nowMs: number,
): WebhookCheck {
  if (!/^\d+$/.test(headers.timestamp)) return 'malformed'
  const stamp = Number(headers.timestamp)
  if (Math.abs(Math.floor(nowMs / 1000) - stamp) > WEBHOOK_TOLERANCE_S) return 'stale'
  const content = `${headers.id}.${headers.timestamp}.${body}`
  const candidates: Buffer[] = []
  for (const entry of headers.signature.split(' ')) {
    const comma = entry.indexOf(',')
    if (comma > 0 && entry.slice(0, comma) === 'v1')
      candidates.push(Buffer.from(entry.slice(comma + 1), 'base64'))
  }
  for (const secret of secrets) {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
    const expected = hmac('sha256', key, content)
    for (const candidate of candidates) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) return 'ok'
    }
  }
  return 'bad-signature'
}
