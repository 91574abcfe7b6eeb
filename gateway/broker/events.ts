/**
 * What aedes reports about clients, turned into logs and metrics. Client and connection errors never escape:
 * aedes has closed the connection already, so they are logged — at debug when routine (network errors,
 * timeouts, refusals this layer logged itself), at warn otherwise (aedes's own protocol checks, e.g. a
 * wildcard in a PUBLISH topic or too many topic levels), which are also counted as MQTT_PROTOCOL.
 */
import type { EventEmitter } from 'node:events'
import type { Aedes, Client } from 'aedes'
import { isAppError } from '../../src/errors.js'
import type { Logger } from '../../src/log.js'
import type { Metrics } from '../../src/metrics.js'
import { type ClientIndex, remoteAddressOf } from './client-index.js'

const routine = [
  'keep alive timeout',
  'connect did not arrive in time',
  'drain timeout',
  'connection closed',
  'write after end',
]

function isRoutine(err: Error & { code?: unknown; errorCode?: unknown }): boolean {
  if (isAppError(err) || err.errorCode !== undefined) return true
  if (typeof err.code === 'string' && err.code.startsWith('E')) return true
  return routine.some((text) => err.message.includes(text))
}

export function observe(aedes: Aedes, index: ClientIndex, metrics: Metrics, log: Logger): void {
  const context = (client: Client | null) => ({
    clientId: client?.id ?? undefined,
    deviceId: index.identityOf(client)?.deviceId,
    remoteAddress: remoteAddressOf(client),
  })
  const onError = (client: Client, err: Error) => {
    if (isRoutine(err)) {
      log.debug({ ...context(client), err: err.message }, 'client connection ended with an error')
      return
    }
    metrics.mqttRefusals.inc({ reason: 'MQTT_PROTOCOL' })
    log.warn(
      { ...context(client), err: err.message, reason: 'MQTT_PROTOCOL' },
      'client broke the protocol; disconnected',
    )
  }
  aedes.on('clientError', onError)
  aedes.on('connectionError', onError)
  aedes.on('keepaliveTimeout', (client) => log.debug(context(client), 'keepalive timeout'))
  aedes.on('client', (client) => {
    metrics.connectedDevices.set(aedes.connectedClients)
    log.debug(context(client), 'client connected')
  })
  aedes.on('clientDisconnect', (client) => {
    metrics.connectedDevices.set(aedes.connectedClients)
    log.debug(context(client), 'client disconnected')
  })
  // Persistence failures surface here; without a listener an 'error' event would throw.
  ;(aedes as EventEmitter).on('error', (err: Error) => log.error({ err }, 'broker error'))
}
