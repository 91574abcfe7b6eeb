/**
 * Every Prometheus metric of the gateway, in one registry created per gateway instance (tests run several
 * gateways in one process, so nothing here is global). Served at /metrics.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

export class Metrics {
  readonly registry = new Registry()

  readonly messagesIn = new Counter({
    name: 'cc_mqtt_messages_in_total',
    help: 'Device messages received, by kind (telemetry, scan, status, other) and QoS',
    labelNames: ['kind', 'qos'] as const,
    registers: [this.registry],
  })
  readonly messagesOut = new Counter({
    name: 'cc_mqtt_messages_out_total',
    help: 'Messages the broker sent to devices (downlink), by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  })
  readonly recordsStored = new Counter({
    name: 'cc_records_stored_total',
    help: 'Records committed to the store, by kind (reading, scan, status); duplicates not counted',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  })
  readonly duplicates = new Counter({
    name: 'cc_duplicates_total',
    help: 'Re-sent (device, seq) records recognised and stored once, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  })
  readonly sensorFaults = new Counter({
    name: 'cc_sensor_faults_total',
    help: 'Readings stored as sensor faults (physically implausible values)',
    registers: [this.registry],
  })
  readonly deadLetters = new Counter({
    name: 'cc_dead_letters_total',
    help: 'Messages or batch items dead-lettered, by reason code',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  })
  readonly commitSeconds = new Histogram({
    name: 'cc_store_commit_seconds',
    help: 'Time to commit one group of messages to SQLite',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  })
  readonly commitSize = new Histogram({
    name: 'cc_store_commit_messages',
    help: 'Messages per group commit',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
    registers: [this.registry],
  })
  readonly commitFailures = new Counter({
    name: 'cc_store_commit_failures_total',
    help: 'Group commits that failed (their messages were not acknowledged)',
    registers: [this.registry],
  })
  readonly stepFailures = new Counter({
    name: 'cc_pipeline_step_failures_total',
    help: 'Pipeline steps that threw (logged; the pipeline went on), by step',
    labelNames: ['step'] as const,
    registers: [this.registry],
  })
  readonly connectedDevices = new Gauge({
    name: 'cc_mqtt_connected_clients',
    help: 'MQTT clients connected now',
    registers: [this.registry],
  })
  readonly mqttRefusals = new Counter({
    name: 'cc_mqtt_refusals_total',
    help: 'Connections, publishes and subscriptions refused or cut off, by reason code',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  })
  readonly httpRequestSeconds = new Histogram({
    name: 'cc_http_request_duration_seconds',
    help: 'HTTP API requests, by method, route pattern (not the raw URL) and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  })
  readonly influxLagRows = new Gauge({
    name: 'cc_influx_lag_rows',
    help: 'Rows in the store not yet acknowledged by InfluxDB, by stream (reading, scan, device_status)',
    labelNames: ['stream'] as const,
    registers: [this.registry],
  })
  readonly influxLagSeconds = new Gauge({
    name: 'cc_influx_lag_seconds',
    help: 'How long the oldest row not yet in InfluxDB has waited since it was received, by stream',
    labelNames: ['stream'] as const,
    registers: [this.registry],
  })
  readonly influxPointsWritten = new Counter({
    name: 'cc_influx_points_written_total',
    help: 'Points acknowledged by InfluxDB, by stream (replays after a failure count again)',
    labelNames: ['stream'] as const,
    registers: [this.registry],
  })
  readonly influxFailures = new Counter({
    name: 'cc_influx_failures_total',
    help: 'Failed InfluxDB writes (each is retried from the durable cursor after a backoff)',
    registers: [this.registry],
  })
  readonly bridgeConnected = new Gauge({
    name: 'cc_bridge_connected',
    help: '1 while the bridge is connected to the external MQTT broker',
    registers: [this.registry],
  })
  readonly bridgeFailures = new Counter({
    name: 'cc_bridge_commit_failures_total',
    help: 'Bridged messages left unacknowledged because the store did not commit them (the broker redelivers)',
    registers: [this.registry],
  })

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'cc_' })
  }
}
