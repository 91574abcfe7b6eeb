import { describe, expect, it } from 'vitest'
import { kdniaoAdapter } from '../../../../src/writeback/adapters/kdniao.js'
import { kdniaoDataSign } from '../../../../src/writeback/signing/kdniao.js'
import { UnsupportedEventError } from '../../../../src/writeback/types.js'
import { node, shipment, T0, target } from '../fixtures.js'

const creds = { kdniao: { eBusinessId: '1000001', appKey: 'kd-key' } } as Parameters<typeof target>[2]
const kd = target('kdniao', 'https://kdniao.test', creds)
const ok = (body: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(body) })

describe('kdniao adapter', () => {
  it('posts RequestType 101 as a form with a DataSign over the raw RequestData', () => {
    const req = kdniaoAdapter.buildRequest(node(), kd, T0)
    expect(req.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    const form = new URLSearchParams(req.body)
    expect(form.get('RequestType')).toBe('101')
    expect(form.get('EBusinessID')).toBe('1000001')
    expect(form.get('DataType')).toBe('2')
    const requestData = form.get('RequestData') as string
    expect(form.get('DataSign')).toBe(kdniaoDataSign(requestData, 'kd-key'))
  })

  it('pushes the full trace history with State/StateEx and China-time stamps', () => {
    const form = new URLSearchParams(kdniaoAdapter.buildRequest(node(), kd, T0).body)
    const data = JSON.parse(form.get('RequestData') as string)
    expect(data).toMatchObject({ EBusinessID: '1000001', PushTime: '2026-03-01 10:00:00', Count: '1' })
    expect(data.Data[0]).toMatchObject({
      LogisticCode: 'SF1234567890',
      ShipperCode: 'SF',
      OrderCode: '123456789012',
      State: '2',
      StateEx: '201',
      Success: true,
    })
    expect(data.Data[0].Traces).toEqual([
      {
        AcceptTime: '2026-03-01 09:00:00',
        AcceptStation: '【杭州市余杭区】快件已揽收',
        Location: '杭州市余杭区',
        Action: '1',
        Remark: '',
      },
      {
        AcceptTime: '2026-03-01 09:59:00',
        AcceptStation: '【上海转运中心】快件已到达',
        Location: '上海转运中心',
        Action: '201',
        Remark: '冷藏车 沪A·12345',
      },
    ])
  })

  it('takes tracking nodes only', () => {
    expect(kdniaoAdapter.accepts(shipment('taobao'))).toBe(false)
    expect(() => kdniaoAdapter.buildRequest(shipment('taobao'), kd, T0)).toThrow(UnsupportedEventError)
  })

  it('maps Success true to delivered and Success false to permanent with the reason', () => {
    expect(
      kdniaoAdapter.parseReply(ok({ EBusinessID: '1', UpdateTime: 'x', Success: true, Reason: '' }), T0),
    ).toEqual({
      result: 'delivered',
    })
    expect(kdniaoAdapter.parseReply(ok({ Success: 'true' }), T0)).toEqual({ result: 'delivered' })
    expect(
      kdniaoAdapter.parseReply(ok({ Success: false, Reason: 'DataSign verification failed' }), T0),
    ).toEqual({
      result: 'permanent',
      reason: 'Kdniao refused the push: DataSign verification failed',
    })
  })
})
