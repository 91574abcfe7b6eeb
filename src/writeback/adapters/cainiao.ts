/**
 * Cainiao LINK tracking push — how tracking reaches Taobao/Tmall. Accepts tracking nodes of waybills that carry
 * a Taobao or Tmall order. Form fields: logistic_provider_id, msg_type (the target's `msgType`, default
 * `LOGISTICS_TRACE_PUSH`), logistics_interface (JSON), data_digest, to_code when configured, msg_id = eventId.
 *
 * The payload shape is inferred (no public source documents the courier-side trace push): camelCase fields as
 * in LINK's other messages, and the temperature snapshot as an extension field (`extendFields.temperature`),
 * which LINK payloads carry as an open map.
 */
import { z } from 'zod'
import { cainiaoDataDigest } from '../signing/cainiao.js'
import { cainiaoAction, describeScan } from '../status-map.js'
import type { PlatformAdapter, SalesPlatform, TemperatureSnapshot, WritebackEvent } from '../types.js'
import { UnsupportedEventError } from '../types.js'
import { platformRetry, readReply } from './reply.js'
import { carrierCode, ordersFor } from './select.js'
import { formRequest, gmt8 } from './wire.js'

const TAOBAO: readonly SalesPlatform[] = ['taobao', 'tmall']

/** `success` arrives as a boolean or as the text "true"/"false" depending on the LINK endpoint. */
const replySchema = z.object({
  success: z.union([z.boolean(), z.enum(['true', 'false'])]),
  errorCode: z.string().nullish(),
  errorMsg: z.string().nullish(),
})

/** S07: system error, retry (specs/platforms.md). Every other code refuses this message. */
const RETRIABLE = new Set(['S07'])

function temperature(t: TemperatureSnapshot): Record<string, unknown> {
  return { tempC: t.tempC, at: gmt8(t.at), minC: t.min, maxC: t.max, inRange: t.inRange }
}

const hasTaobaoOrder = (event: WritebackEvent): boolean =>
  event.type === 'tracking.node' && event.orders.some((o) => TAOBAO.includes(o.platform))

export const cainiaoAdapter: PlatformAdapter<'cainiao'> = {
  kind: 'cainiao',

  accepts: hasTaobaoOrder,

  // LINK carries no timestamp, so `now` is unused.
  buildRequest(event, target, _now) {
    if (event.type !== 'tracking.node' || !hasTaobaoOrder(event)) {
      throw new UnsupportedEventError('cainiao', event.type, 'tracking nodes of Taobao/Tmall orders only')
    }
    const { logisticProviderId, secretKey, toCode, msgType } = target.credentials
    const payload = {
      mailNo: event.waybill,
      cpCode: carrierCode(target, event.carrier),
      tradeIds: ordersFor(event.orders, target, TAOBAO).map((o) => o.orderId),
      action: cainiaoAction(event, event.scanEvent),
      actionTime: gmt8(event.deviceTime),
      desc: event.description ?? describeScan(event.scanEvent, event.location?.name),
      facilityName: event.location?.name ?? '',
      lat: event.location?.lat ?? null,
      lon: event.location?.lon ?? null,
      operator: event.operator ?? '',
      remark: event.note ?? '',
      extendFields: event.temperature ? { temperature: temperature(event.temperature) } : {},
    }
    const logisticsInterface = JSON.stringify(payload)
    const fields: Record<string, string> = {
      logistic_provider_id: logisticProviderId,
      msg_type: msgType,
      logistics_interface: logisticsInterface,
      data_digest: cainiaoDataDigest(logisticsInterface, secretKey),
      msg_id: event.eventId,
    }
    if (toCode) fields.to_code = toCode
    return formRequest(target.endpoint, fields)
  },

  parseReply(reply, now) {
    const read = readReply(reply, now, replySchema)
    if (!read.ok) return read.outcome
    const { success, errorCode, errorMsg } = read.value
    if (success === true || success === 'true') return { result: 'delivered' }
    const reason = `Cainiao ${errorCode ?? '?'}: ${errorMsg ?? ''}`.trim()
    return errorCode && RETRIABLE.has(errorCode)
      ? platformRetry(reply, now, reason)
      : { result: 'permanent', reason }
  },
}
