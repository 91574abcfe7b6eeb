/**
 * Kdniao tracking push (RequestType 101): accepts tracking nodes only, and sends the waybill's full trace
 * history every time, as the aggregator expects. No temperature: Kdniao's trace schema has no extension
 * field, and burying readings in `Remark` would show them to buyers as free text.
 */
import { z } from 'zod'
import { kdniaoDataSign } from '../signing/kdniao.js'
import { describeScan, kdniaoState } from '../status-map.js'
import type { PlatformAdapter, TraceEntry, TrackingNodeEvent } from '../types.js'
import { UnsupportedEventError } from '../types.js'
import { readReply } from './reply.js'
import { carrierCode, ordersFor } from './select.js'
import { formRequest, gmt8 } from './wire.js'

const flag = z.union([z.boolean(), z.enum(['true', 'false', 'True', 'False'])])

/** Receiver reply (inferred in the spec): `{ EBusinessID, UpdateTime, Success, Reason }`. */
const replySchema = z.object({ Success: flag, Reason: z.string().nullish() })

function trace(entry: TraceEntry): Record<string, string> {
  return {
    AcceptTime: gmt8(entry.at),
    AcceptStation: entry.description ?? describeScan(entry.scanEvent, entry.location?.name),
    Location: entry.location?.name ?? '',
    Action: kdniaoState(entry).StateEx,
    Remark: entry.note ?? '',
  }
}

function currentEntry(event: TrackingNodeEvent): TraceEntry {
  return {
    at: event.deviceTime,
    scanEvent: event.scanEvent,
    status: event.status,
    exceptionReason: event.exceptionReason,
    arrivingDestinationCity: event.arrivingDestinationCity,
    location: event.location,
    description: event.description,
    operator: event.operator,
    note: event.note,
  }
}

export const kdniaoAdapter: PlatformAdapter<'kdniao'> = {
  kind: 'kdniao',

  accepts: (event) => event.type === 'tracking.node',

  buildRequest(event, target, now) {
    if (event.type !== 'tracking.node')
      throw new UnsupportedEventError('kdniao', event.type, 'tracking nodes only')
    const { eBusinessId, appKey } = target.credentials
    const history = event.history.length > 0 ? event.history : [currentEntry(event)]
    const { State, StateEx } = kdniaoState(event)
    const data = {
      EBusinessID: eBusinessId,
      OrderCode: ordersFor(event.orders, target)[0]?.orderId ?? '',
      ShipperCode: carrierCode(target, event.carrier),
      LogisticCode: event.waybill,
      Success: true,
      Reason: '',
      State,
      StateEx,
      Location: event.location?.name ?? '',
      ...(event.estimatedDeliveryAt === undefined
        ? {}
        : { EstimatedDeliveryTime: gmt8(event.estimatedDeliveryAt) }),
      Traces: history.map(trace),
    }
    const requestData = JSON.stringify({
      EBusinessID: eBusinessId,
      PushTime: gmt8(now),
      Count: '1',
      Data: [data],
    })
    return formRequest(target.endpoint, {
      RequestData: requestData,
      EBusinessID: eBusinessId,
      RequestType: '101',
      DataSign: kdniaoDataSign(requestData, appKey),
      DataType: '2',
    })
  },

  /** `Success: false` is a refusal of this push (bad sign, unknown shipper): permanent. */
  parseReply(reply, now) {
    const read = readReply(reply, now, replySchema)
    if (!read.ok) return read.outcome
    const success = read.value.Success === true || String(read.value.Success).toLowerCase() === 'true'
    return success
      ? { result: 'delivered' }
      : { result: 'permanent', reason: `Kdniao refused the push: ${read.value.Reason ?? 'no reason given'}` }
  },
}
