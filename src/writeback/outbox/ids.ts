/**
 * Stable event ids: the idempotency key a platform sees (`webhook-id`, Cainiao `msg_id`) and the outbox's
 * uniqueness per target. Each is derived from the fact itself, never from the moment it was written, so the same
 * fact written again (a re-sent scan, a replayed commit, a restart) is the same event and a re-delivery is
 * recognisable as one.
 */

/** One tracking node: its row id (a (device, seq) scan becomes exactly one node). */
export const nodeEventId = (nodeId: number): string => `node:${nodeId}`

/** One shipment confirmation per (waybill, order): a second pickup scan confirms nothing new. */
export const shipmentEventId = (waybill: string, platform: string, orderId: string): string =>
  `ship:${waybill}:${platform}:${orderId}`

/**
 * Excursion transitions. The excursion id already names its kind, side and start (src/rules/types.ts); a clear
 * adds its end, so an excursion re-opened by back-filled readings and cleared again is a new notice.
 */
export const excursionEventId = (
  excursionId: string,
  transition: 'opened' | 'cleared',
  endedAt: number | null,
): string =>
  transition === 'opened' ? `exc:${excursionId}:opened` : `exc:${excursionId}:cleared:${endedAt ?? ''}`

/** One alert transition (acknowledged, resolved): the transition's row id in the audit trail. */
export const alertEventId = (alertId: number, transitionId: number): string =>
  `alert:${alertId}:${transitionId}`

/** One trail batch of one target: batches are cut per target interval from a stored cursor. */
export const trailEventId = (targetId: string, waybill: string, from: number): string =>
  `trail:${targetId}:${waybill}:${from}`
