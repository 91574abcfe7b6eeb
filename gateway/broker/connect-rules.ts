/**
 * CONNECT checks aedes lacks, decided on the packet alone (before any credential is looked at). Each refusal is
 * answered with CONNACK 2 "identifier rejected" and the connection is closed [MQTT-3.2.2-5].
 *
 * Keepalive outside the configured range is also answered with CONNACK 2: MQTT 3.1.1 has no return code for it
 * (aedes's `keepaliveLimit` answers 6, which 3.1.1 reserves), and a CONNACK tells a misconfigured device why it
 * was refused where a bare close would look like a network fault and be retried forever. A keepalive of 0 means
 * "never time out", so it is refused whenever a maximum is configured.
 */
import type { ConnectPacket } from 'aedes'
import type { Config } from '../../src/config.js'

export interface ConnectRefusal {
  returnCode: 2
  why: string
}

export function connectRefusal(packet: ConnectPacket, limits: Config['mqtt']): ConnectRefusal | null {
  const clientId = packet.clientId ?? ''
  // [MQTT-3.1.3-8] a zero-length client id is allowed only with a clean session
  if (clientId.length === 0 && packet.clean === false) {
    return { returnCode: 2, why: 'zero-length client id without clean session [MQTT-3.1.3-8]' }
  }
  // [MQTT-3.1.3-5] servers may accept longer ids; this one caps them, refusing with 2 as [MQTT-3.1.3-9] asks
  const idBytes = Buffer.byteLength(clientId)
  if (idBytes > limits.maxClientIdLength) {
    return { returnCode: 2, why: `client id of ${idBytes} bytes; at most ${limits.maxClientIdLength}` }
  }
  const keepalive = packet.keepalive ?? 0
  if (limits.keepaliveMinS > 0 && keepalive < limits.keepaliveMinS) {
    return { returnCode: 2, why: `keepalive ${keepalive} s below the minimum ${limits.keepaliveMinS} s` }
  }
  if (limits.keepaliveMaxS > 0 && (keepalive === 0 || keepalive > limits.keepaliveMaxS)) {
    return { returnCode: 2, why: `keepalive ${keepalive} s above the maximum ${limits.keepaliveMaxS} s` }
  }
  return null
}
