/**
 * The load generators' devices (bench/load.ts, bench/paced-load.ts): `dev-0` … `dev-{n-1}`, each an mqtt.js
 * client with the shared bench secret, connected 50 at a time so the gateway's scrypt check is not flooded.
 */
import mqtt, { type MqttClient } from 'mqtt'

const BATCH = 50

export async function connectFleet(port: number, devices: number, secret: string): Promise<MqttClient[]> {
  const clients: MqttClient[] = []
  for (let i = 0; i < devices; i += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, devices - i) }, (_, k) => `dev-${i + k}`)
    const connected = await Promise.all(
      ids.map((id) =>
        mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
          clientId: id,
          username: id,
          password: secret,
          reconnectPeriod: 0,
          connectTimeout: 60_000,
          keepalive: 300,
        }),
      ),
    )
    clients.push(...connected)
  }
  return clients
}
