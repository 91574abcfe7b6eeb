/**
 * The adapters by kind, dispatched by one table (STYLE rule 1). The relay asks `targetAccepts` when writing
 * outbox rows and `adapterFor(target.kind)` when delivering one.
 *
 * | kind      | accepts                                                 | temperature                       |
 * | --------- | ------------------------------------------------------- | --------------------------------- |
 * | webhook   | every event type                                        | trails, excursions, node snapshot |
 * | kdniao    | tracking nodes (full history each push)                 | none                              |
 * | cainiao   | tracking nodes of waybills carrying Taobao/Tmall orders | `extendFields.temperature`        |
 * | taobao    | shipment confirmations of Taobao/Tmall orders           | none                              |
 * | douyin    | shipment confirmations of Douyin orders                 | none                              |
 * | pinduoduo | shipment confirmations of Pinduoduo orders              | none                              |
 * | jd        | shipment confirmations of JD orders                     | none                              |
 */
import type { PlatformAdapter, Target, TargetKind, WritebackEvent } from '../types.js'
import { ordersOf } from '../types.js'
import { cainiaoAdapter } from './cainiao.js'
import { douyinAdapter } from './douyin.js'
import { jdAdapter } from './jd.js'
import { kdniaoAdapter } from './kdniao.js'
import { pinduoduoAdapter } from './pinduoduo.js'
import { taobaoAdapter } from './taobao.js'
import { webhookAdapter } from './webhook.js'

export const adapters: { [K in TargetKind]: PlatformAdapter<K> } = {
  webhook: webhookAdapter,
  kdniao: kdniaoAdapter,
  cainiao: cainiaoAdapter,
  taobao: taobaoAdapter,
  douyin: douyinAdapter,
  pinduoduo: pinduoduoAdapter,
  jd: jdAdapter,
}

export function adapterFor<K extends TargetKind>(kind: K): PlatformAdapter<K> {
  return adapters[kind]
}

/**
 * Whether an outbox row should be written for (target, event): the adapter can carry the event, the target
 * subscribed to its type (all types when `events` is absent), and, for a per-merchant target, the event
 * concerns one of that merchant's orders.
 */
export function targetAccepts(target: Target, event: WritebackEvent): boolean {
  if (!adapters[target.kind].accepts(event)) return false
  if (target.events && !target.events.includes(event.type)) return false
  if (target.merchantId === undefined) return true
  return ordersOf(event).some((o) => o.merchantId === target.merchantId)
}

export type { TargetInput } from './targets.js'
export { redactTarget, secretFields, targetKinds, targetSchema } from './targets.js'
