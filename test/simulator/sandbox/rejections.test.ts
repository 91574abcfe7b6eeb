/**
 * The sandbox refuses what the platform would refuse — a tampered body, a wrong secret, a stale timestamp —
 * in that platform's own error shape, and the adapter reads each refusal as permanent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Sandbox, startSandbox } from '../../../simulator/sandbox/index.js'
import { adapterFor } from '../../../src/writeback/adapters/index.js'
import type { TargetKind } from '../../../src/writeback/types.js'
import { type PlatformCredentials, sampleEventFor, T0 } from '../../unit/writeback/fixtures.js'
import { sandboxTarget, send } from './helpers.js'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, clock: () => T0 })
})
afterAll(() => sandbox.stop())

const wrong: Partial<PlatformCredentials> = {
  webhook: { secrets: [`whsec_${Buffer.from('not-the-receiver-secret-000').toString('base64')}`] },
  kdniao: { eBusinessId: '1000001', appKey: 'wrong' },
  cainiao: { logisticProviderId: 'SANDBOX_CP', secretKey: 'wrong' },
  taobao: { appKey: '12345678', appSecret: 'wrong', session: 'sandbox-session' },
  douyin: { appKey: '7000000000000000001', appSecret: 'wrong', accessToken: 'sandbox-douyin-token' },
  pinduoduo: { clientId: 'sandbox-pdd-client', clientSecret: 'wrong', accessToken: 'sandbox-pdd-token' },
  jd: { appKey: 'sandbox-jd-appkey', appSecret: 'wrong', accessToken: 'sandbox-jd-token' },
}

/** The platform's answer to a bad signature and to a stale timestamp. */
const shapes: Record<TargetKind, { status: number; badSign: unknown; stale: unknown | null }> = {
  webhook: {
    status: 401,
    badSign: { error: 'invalid_signature' },
    stale: { error: 'timestamp_out_of_tolerance' },
  },
  kdniao: {
    status: 200,
    badSign: { Success: false, Reason: 'DataSign verification failed' },
    stale: { Success: false, Reason: 'PushTime is missing or more than 10 min off' },
  },
  // Cainiao LINK has no timestamp parameter: nothing to be stale.
  cainiao: { status: 200, badSign: { success: false, errorCode: 'S02' }, stale: null },
  taobao: { status: 200, badSign: { error_response: { code: 25 } }, stale: { error_response: { code: 31 } } },
  douyin: {
    status: 200,
    badSign: { code: 30002, err_no: 30002, sub_code: 'isv.signature-invalid' },
    stale: { code: 40002, err_no: 40002, sub_code: 'isv.timestamp-invalid' },
  },
  pinduoduo: {
    status: 200,
    badSign: { error_response: { error_code: 10016 } },
    stale: { error_response: { error_code: 10000, sub_code: 'timestamp' } },
  },
  jd: { status: 200, badSign: { error_response: { code: '19' } }, stale: { error_response: { code: '21' } } },
}

const kinds = Object.keys(shapes) as TargetKind[]

describe.each(kinds)('%s refuses', (kind) => {
  const adapter = adapterFor(kind)
  const event = sampleEventFor[kind]()
  const expected = shapes[kind]

  it('a tampered body', async () => {
    const req = adapter.buildRequest(event, sandboxTarget(kind, sandbox) as never, T0)
    const tampered = { ...req, body: req.body.replaceAll('SF1234567890', 'SF1234567899') }
    expect(tampered.body).not.toBe(req.body)
    const reply = await send(tampered)
    expect(reply.status).toBe(expected.status)
    expect(JSON.parse(reply.body)).toMatchObject(expected.badSign as object)
    expect(adapter.parseReply(reply, T0).result).toBe('permanent')
  })

  it('a wrong secret', async () => {
    const req = adapter.buildRequest(event, sandboxTarget(kind, sandbox, wrong) as never, T0)
    const reply = await send(req)
    expect(reply.status).toBe(expected.status)
    expect(JSON.parse(reply.body)).toMatchObject(expected.badSign as object)
    expect(adapter.parseReply(reply, T0).result).toBe('permanent')
  })

  it('a stale timestamp', async () => {
    const req = adapter.buildRequest(event, sandboxTarget(kind, sandbox) as never, T0 - 11 * 60_000)
    const reply = await send(req)
    if (expected.stale === null) {
      expect(adapter.parseReply(reply, T0).result).toBe('delivered')
      return
    }
    expect(reply.status).toBe(expected.status)
    expect(JSON.parse(reply.body)).toMatchObject(expected.stale as object)
    expect(adapter.parseReply(reply, T0).result).toBe('permanent')
  })
})

describe('timestamp windows', () => {
  it('accepts a webhook 4 minutes old but not 6', async () => {
    const adapter = adapterFor('webhook')
    const t = sandboxTarget('webhook', sandbox) as never
    expect(
      adapter.parseReply(await send(adapter.buildRequest(sampleEventFor.webhook(), t, T0 - 240_000)), T0)
        .result,
    ).toBe('delivered')
    expect(
      adapter.parseReply(await send(adapter.buildRequest(sampleEventFor.webhook(), t, T0 - 360_000)), T0)
        .result,
    ).toBe('permanent')
  })

  it('accepts TOP, PDD and Douyin 9 minutes off, either way', async () => {
    for (const kind of ['taobao', 'pinduoduo', 'douyin'] as const) {
      for (const skew of [-9 * 60_000, 9 * 60_000]) {
        const adapter = adapterFor(kind)
        const reply = await send(
          adapter.buildRequest(sampleEventFor[kind](), sandboxTarget(kind, sandbox) as never, T0 + skew),
        )
        expect(adapter.parseReply(reply, T0).result, `${kind} ${skew}`).toBe('delivered')
      }
    }
  })

  it('accepts a Douyin timestamp in unix seconds too', async () => {
    const adapter = adapterFor('douyin')
    const base = sandboxTarget('douyin', sandbox)
    const unix = { ...base, credentials: { ...base.credentials, timestampFormat: 'unix' } }
    const req = adapter.buildRequest(sampleEventFor.douyin(), unix as never, T0)
    expect(new URL(req.url).searchParams.get('timestamp')).toBe(String(T0 / 1000))
    expect(adapter.parseReply(await send(req), T0).result).toBe('delivered')
  })
})
