/**
 * InfluxDB 2 in a container (`influxdb:2`), set up on first start through the image's setup variables with
 * a known org, bucket and admin token; read back with Flux through the server's query API.
 */
import { InfluxDB } from '@influxdata/influxdb-client'
import { startContainer } from './container.js'
import type { InfluxSample, InfluxServer } from './influx.js'
import { httpOk } from './service.js'

const ORG = 'coldchain'
const BUCKET = 'telemetry'
const TOKEN = 'test-admin-token-not-a-secret'

export async function startInfluxdbContainer(): Promise<InfluxServer> {
  const handle = await startContainer({
    image: 'influxdb:2',
    port: 8086,
    env: {
      DOCKER_INFLUXDB_INIT_MODE: 'setup',
      DOCKER_INFLUXDB_INIT_USERNAME: 'admin',
      DOCKER_INFLUXDB_INIT_PASSWORD: 'admin-password',
      DOCKER_INFLUXDB_INIT_ORG: ORG,
      DOCKER_INFLUXDB_INIT_BUCKET: BUCKET,
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: TOKEN,
    },
    ready: (host, port) => httpOk(`http://${host}:${port}/health`),
  })
  const url = `http://${handle.host}:${handle.port}`
  return {
    ...handle,
    kind: 'influxdb',
    url,
    writeUrl: `${url}/api/v2/write`,
    org: ORG,
    bucket: BUCKET,
    token: TOKEN,
    keepsStrings: true,
    samples: (measurement) => fluxSamples(url, measurement),
  }
}

const system = new Set(['result', 'table', '_start', '_stop', '_time', '_value', '_field', '_measurement'])

async function fluxSamples(url: string, measurement: string): Promise<InfluxSample[]> {
  const query = new InfluxDB({ url, token: TOKEN, timeout: 30_000 }).getQueryApi(ORG)
  const rows = await query.collectRows<Record<string, unknown>>(
    `from(bucket: "${BUCKET}") |> range(start: 0) |> filter(fn: (r) => r._measurement == ${JSON.stringify(measurement)})`,
  )
  return rows.map((row) => {
    const tags: Record<string, string> = {}
    for (const [key, value] of Object.entries(row)) {
      if (!system.has(key) && typeof value === 'string') tags[key] = value
    }
    return {
      measurement,
      field: String(row._field),
      tags,
      time: Date.parse(String(row._time)),
      value: row._value as number | string | boolean,
    }
  })
}
