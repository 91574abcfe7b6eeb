import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  signatureHeader,
  signWebhook,
  verifyWebhook,
  webhookKey,
} from '../../../../src/writeback/signing/standard-webhooks.js'

// The published Standard Webhooks / Svix test vector.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
const TS = 1614265330
const BODY = '{"test": 2432232314}'
const EXPECTED = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
const OTHER = `whsec_${Buffer.from('another-secret-of-24-bytes!!').toString('base64')}`

describe('Standard Webhooks signatures', () => {
  it('reproduces the published test vector', () => {
    expect(signWebhook(SECRET, ID, TS, BODY)).toBe(EXPECTED)
  })

  it('keys the HMAC with the base64-decoded secret, not its text', () => {
    const manual = createHmac('sha256', Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'))
      .update(`${ID}.${TS}.${BODY}`)
      .digest('base64')
    expect(EXPECTED).toBe(`v1,${manual}`)
    expect(webhookKey(SECRET)).toEqual(webhookKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'))
  })

  it('signs with every active secret during rotation, space-separated', () => {
    const header = signatureHeader([OTHER, SECRET], ID, TS, BODY)
    expect(header.split(' ')).toEqual([signWebhook(OTHER, ID, TS, BODY), EXPECTED])
    expect(verifyWebhook([SECRET], header, ID, TS, BODY, TS)).toEqual({ ok: true })
    expect(verifyWebhook([OTHER], header, ID, TS, BODY, TS)).toEqual({ ok: true })
  })

  it('rejects a tampered body, a wrong secret and a timestamp more than 5 minutes off', () => {
    expect(verifyWebhook([SECRET], EXPECTED, ID, TS, '{"test": 2432232315}', TS)).toEqual({
      ok: false,
      reason: 'signature',
    })
    expect(verifyWebhook([OTHER], EXPECTED, ID, TS, BODY, TS)).toEqual({ ok: false, reason: 'signature' })
    expect(verifyWebhook([SECRET], EXPECTED, ID, TS, BODY, TS + 301)).toEqual({
      ok: false,
      reason: 'timestamp',
    })
    expect(verifyWebhook([SECRET], EXPECTED, ID, TS, BODY, TS - 300)).toEqual({ ok: true })
  })
})
