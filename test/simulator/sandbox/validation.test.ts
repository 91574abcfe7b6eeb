/** Beyond signatures: the sandbox checks content type and required fields, as the platforms do. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Sandbox, startSandbox } from '../../../simulator/sandbox/index.js'
import { adapterFor } from '../../../src/writeback/adapters/index.js'
import { cainiaoDataDigest } from '../../../src/writeback/signing/cainiao.js'
import { canonicalJson, douyinSign } from '../../../src/writeback/signing/douyin.js'
import { jdSign } from '../../../src/writeback/signing/jd.js'
import { pddSign } from '../../../src/writeback/signing/pdd.js'
import { topSign } from '../../../src/writeback/signing/top.js'
import type { OutboundRequest, TargetKind } from '../../../src/writeback/types.js'
import { sampleEventFor, T0 } from '../../unit/writeback/fixtures.js'
import { sandboxTarget, send } from './helpers.js'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, clock: () => T0 })
})
afterAll(() => sandbox.stop())

const build = (kind: TargetKind): OutboundRequest =>
  adapterFor(kind).buildRequest(sampleEventFor[kind](), sandboxTarget(kind, sandbox) as never, T0)
const form = (req: OutboundRequest) => Object.fromEntries(new URLSearchParams(req.body))
const withForm = (req: OutboundRequest, fields: Record<string, string>) => ({
  ...req,
  body: new URLSearchParams(fields).toString(),
})
const answer = async (req: OutboundRequest) => JSON.parse((await send(req)).body)

describe('content type', () => {
  it.each([
    ['webhook', { error: 'unsupported_media_type' }],
    ['kdniao', { Success: false }],
    ['cainiao', { success: false, errorCode: 'S01' }],
    ['douyin', { code: 40002 }],
    ['pinduoduo', { error_response: { error_code: 10000 } }],
    ['jd', { error_response: { code: '13' } }],
  ] as const)('%s refuses a body sent as text/plain', async (kind, shape) => {
    const req = build(kind)
    expect(await answer({ ...req, headers: { ...req.headers, 'content-type': 'text/plain' } })).toMatchObject(
      shape,
    )
  })
})

describe('required fields (correctly signed, still refused)', () => {
  it('TOP: a missing out_sid is code 40 naming the parameter', async () => {
    const { sign: _drop, out_sid: _gone, ...params } = form(build('taobao'))
    const secret = sandbox.credentials.taobao.appSecret
    const signed = { ...params, sign: topSign(params, secret, params.sign_method as 'hmac-sha256') }
    expect(await answer(withForm(build('taobao'), signed))).toMatchObject({
      error_response: { code: 40, sub_code: 'isv.missing-parameter:out_sid' },
    })
  })

  it('PDD: a missing tracking_number', async () => {
    const { sign: _drop, tracking_number: _gone, ...params } = form(build('pinduoduo'))
    const signed = { ...params, sign: pddSign(params, sandbox.credentials.pinduoduo.clientSecret) }
    expect(await answer(withForm(build('pinduoduo'), signed))).toMatchObject({
      error_response: { error_code: 10000, sub_code: 'missing:tracking_number' },
    })
  })

  it('JD: 360buy_param_json without logiNo', async () => {
    const { sign: _drop, ...params } = form(build('jd'))
    params['360buy_param_json'] = JSON.stringify({ orderId: '2300000001', logiCoprId: '467' })
    const signed = { ...params, sign: jdSign(params, sandbox.credentials.jd.appSecret) }
    expect(await answer(withForm(build('jd'), signed))).toMatchObject({ error_response: { code: '13' } })
  })

  it('Cainiao: a trace without mailNo is S01', async () => {
    const fields = form(build('cainiao'))
    const payload = JSON.parse(fields.logistics_interface as string)
    delete payload.mailNo
    const text = JSON.stringify(payload)
    const signed = {
      ...fields,
      logistics_interface: text,
      data_digest: cainiaoDataDigest(text, sandbox.credentials.cainiao.secretKey),
    }
    expect(await answer(withForm(build('cainiao'), signed))).toMatchObject({
      success: false,
      errorCode: 'S01',
    })
  })

  it('Douyin: param_json with unsorted keys is refused even when signed over', async () => {
    const req = build('douyin')
    const url = new URL(req.url)
    const body = '{"order_id":"4810000000000001","company_code":"shunfeng","logistics_code":"SF1234567890"}'
    expect(body).not.toBe(canonicalJson(JSON.parse(body)))
    const { appKey, appSecret } = sandbox.credentials.douyin
    const timestamp = url.searchParams.get('timestamp') as string
    url.searchParams.set(
      'sign',
      douyinSign({ appKey, method: 'order.logisticsAdd', paramJson: body, timestamp, v: '2' }, appSecret),
    )
    expect(await answer({ ...req, url: url.toString(), body })).toMatchObject({
      code: 40002,
      sub_msg: 'param_json must be compact JSON with sorted keys',
    })
  })

  it('Douyin: a path that does not match the method', async () => {
    const req = build('douyin')
    expect(
      await answer({ ...req, url: req.url.replace('/order/logisticsAdd', '/order/other') }),
    ).toMatchObject({ code: 40002 })
  })

  it('webhook: headers are required', async () => {
    const req = build('webhook')
    const { 'webhook-signature': _drop, ...headers } = req.headers
    expect(await answer({ ...req, headers })).toMatchObject({ error: 'missing_headers' })
  })
})
