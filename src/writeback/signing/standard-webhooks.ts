/**
 * Standard Webhooks signatures (specs/platforms.md, "Generic webhook"):
 * `v1,<base64 HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")>`; the secret is `whsec_` + base64 and
 * its decoded bytes are the key. During key rotation several signatures travel space-separated.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

const PREFIX = 'whsec_'

/** The HMAC key of a `whsec_…` secret (the prefix is optional, as in the reference libraries). */
export function webhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64')
}

/** One signature, `v1,<base64>`. `timestamp` is unix seconds. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', webhookKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')
  return `v1,${mac}`
}

/** The `webhook-signature` header value: one signature per active secret, space-separated. */
export function signatureHeader(
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): string {
  return secrets.map((s) => signWebhook(s, id, timestamp, body)).join(' ')
}

export type WebhookVerdict = { ok: true } | { ok: false; reason: 'timestamp' | 'signature' }

/**
 * Receiver side: the timestamp must be within `toleranceS` of `nowS` (default 5 min, either way) and some `v1`
 * signature of the header must match some secret. Comparison is constant-time.
 */
export function verifyWebhook(
  secrets: readonly string[],
  header: string,
  id: string,
  timestamp: number,
  body: string,
  nowS: number,
  toleranceS = 300,
): WebhookVerdict {
  if (!Number.isInteger(timestamp) || Math.abs(nowS - timestamp) > toleranceS) {
    return { ok: false, reason: 'timestamp' }
  }
  const offered = header
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'))
  for (const secret of secrets) {
    const expected = Buffer.from(signWebhook(secret, id, timestamp, body).slice(3), 'base64')
    if (offered.some((sig) => sig.length === expected.length && timingSafeEqual(sig, expected)))
      return { ok: true }
  }
  return { ok: false, reason: 'signature' }
}
