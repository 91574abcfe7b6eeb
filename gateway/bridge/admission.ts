/**
 * Who may be ingested through the bridge. The external broker authenticated the publisher and its ACL decided
 * the topic; the gateway only maps the topic's device id onto its registry:
 * - a registered, enabled device is ingested with its kind (so a scanner cannot send telemetry);
 * - a disabled device is refused (dead-lettered): disabling a device stops its data whatever the path;
 * - an unknown device is, by default, accepted without a kind check, as in open mode — couriers bridge fleets
 *   that were never registered here, and a reading is not dropped for lack of paperwork. With
 *   `bridge.unknownDevices = dead_letter` it is refused instead.
 */
import type { Config } from '../../src/config.js'
import type { ErrorCode } from '../../src/errors.js'
import type { DeviceKind } from '../../src/model.js'
import type { Device } from '../../src/store/devices.js'

export type Admission =
  | { ok: true; kind: DeviceKind | null }
  | { ok: false; reason: ErrorCode; detail: string }

export function admit(
  deviceId: string,
  device: Device | null,
  policy: Config['bridge']['unknownDevices'],
): Admission {
  if (device) {
    if (!device.enabled)
      return { ok: false, reason: 'INGEST_DEVICE_DISABLED', detail: `device ${deviceId} is disabled` }
    return { ok: true, kind: device.kind }
  }
  if (policy === 'accept') return { ok: true, kind: null }
  return { ok: false, reason: 'INGEST_UNKNOWN_DEVICE', detail: `device ${deviceId} is not registered` }
}
