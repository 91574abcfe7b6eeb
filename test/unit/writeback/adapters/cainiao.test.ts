import { describe, expect, it } from 'vitest'
import { cainiaoAdapter } from '../../../../src/writeback/adapters/cainiao.js'
import { cainiaoDataDigest } from '../../../../src/writeback/signing/cainiao.js'
import { node, order, T0, target } from '../fixtures.js'

const creds = { cainiao: { logisticProviderId: 'CP1', secretKey: 'cn-key' } } as Parameters<typeof target>[2]
const cn = target('cainiao', 'https://link.test', creds, {
  credentials: { ...creds.cainiao, toCode: 'TAOBAO' },
})
const ok = (body: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(body) })

describe('cainiao adapter', () => {
  it('posts the LINK form with a data_digest over logistics_interface', () => {
    const form = new URLSearchParams(cainiaoAdapter.buildRequest(node(), cn, T0).body)
    expect(form.get('logistic_provider_id')).toBe('CP1')
    expect(form.get('msg_type')).toBe('LOGISTICS_TRACE_PUSH')
    expect(form.get('to_code')).toBe('TAOBAO')
    expect(form.get('msg_id')).toBe('evt-node-1')
    const payload = form.get('logistics_interface') as string
    expect(form.get('data_digest')).toBe(cainiaoDataDigest(payload, 'cn-key'))
  })

  it('sends the Taobao orders, the action and the temperature snapshot as an extension field', () => {
    const form = new URLSearchParams(cainiaoAdapter.buildRequest(node(), cn, T0).body)
    expect(JSON.parse(form.get('logistics_interface') as string)).toMatchObject({
      mailNo: 'SF1234567890',
      cpCode: 'SF',
      tradeIds: ['123456789012'],
      action: 'ARRIVE',
      actionTime: '2026-03-01 09:59:00',
      extendFields: { temperature: { tempC: 3.4, minC: 2.1, maxC: 5.2, inRange: true } },
    })
  })

  it('takes only nodes of waybills carrying a Taobao or Tmall order', () => {
    expect(cainiaoAdapter.accepts(node({ orders: [order('tmall')] }))).toBe(true)
    expect(cainiaoAdapter.accepts(node({ orders: [order('jd')] }))).toBe(false)
  })

  it('maps success, S07 (retry) and S02 (permanent)', () => {
    expect(cainiaoAdapter.parseReply(ok({ success: true, errorCode: '', errorMsg: '' }), T0)).toEqual({
      result: 'delivered',
    })
    expect(cainiaoAdapter.parseReply(ok({ success: 'true' }), T0)).toEqual({ result: 'delivered' })
    expect(
      cainiaoAdapter.parseReply(ok({ success: false, errorCode: 'S07', errorMsg: 'system error' }), T0),
    ).toEqual({
      result: 'retry',
      reason: 'Cainiao S07: system error',
    })
    expect(
      cainiaoAdapter.parseReply(ok({ success: 'false', errorCode: 'S02', errorMsg: 'sign' }), T0).result,
    ).toBe('permanent')
  })
})
