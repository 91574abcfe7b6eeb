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
  readonly syncSeconds = new Histogram({
    name: 'cc_store_sync_seconds',
    help: 'Time from a group commit to its WAL being on disk (fdatasync off the event loop)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  })
  readonly checkpointSeconds = new Histogram({
    name: 'cc_store_checkpoint_seconds',
    help: 'Time of one WAL checkpoint in the checkpoint worker',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  })
  readonly walFrames = new Gauge({
    name: 'cc_store_wal_frames',
    help: 'Frames in the SQLite write-ahead log at the last checkpoint',
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
  readonly monitoringEvaluations = new Counter({
    name: 'cc_monitoring_evaluations_total',
    help: 'Waybill evaluations by the excursion engine, by path (incremental: cached state; store: rebuilt from stored readings)',
    labelNames: ['path'] as const,
    registers: [this.registry],
  })
  readonly monitoringStates = new Gauge({
    name: 'cc_monitoring_cached_states',
    help: 'Waybill engine states held in memory',
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

  readonly writebackDelivered = new Counter({
    name: 'cc_writeback_delivered_total',
    help: 'Outbox rows acknowledged by the platform, by target and event type',
    labelNames: ['target', 'type'] as const,
    registers: [this.registry],
  })
  readonly writebackRetries = new Counter({
    name: 'cc_writeback_retries_total',
    help: 'Delivery attempts that will be retried (429, 5xx, network, platform busy), by target',
    labelNames: ['target'] as const,
    registers: [this.registry],
  })
  readonly writebackDead = new Counter({
    name: 'cc_writeback_dead_total',
    help: 'Outbox rows dead-lettered, by target and cause (permanent: refused; expired: out of time)',
    labelNames: ['target', 'cause'] as const,
    registers: [this.registry],
  })
  readonly writebackLatency = new Histogram({
    name: 'cc_writeback_delivery_seconds',
    help: 'From the event (scan received, excursion detected, alert changed) to the platform acknowledging it',
    labelNames: ['target'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400],
    registers: [this.registry],
  })
  readonly writebackNodes = new Counter({
    name: 'cc_writeback_nodes_total',
    help: 'Tracking nodes acknowledged by the platform, by target (the late return rate denominator)',
    labelNames: ['target'] as const,
    registers: [this.registry],
  })
  readonly writebackLateNodes = new Counter({
    name: 'cc_writeback_nodes_late_total',
    help: 'Tracking nodes acknowledged more than writeback.lateNodeMs after the scan (device time), by target; cause gateway = the gateway held it that long, device = it reached the gateway late',
    labelNames: ['target', 'cause'] as const,
    registers: [this.registry],
  })
  readonly writebackDepth = new Gauge({
    name: 'cc_writeback_outbox_pending',
    help: 'Outbox rows not yet delivered, by target',
    labelNames: ['target'] as const,
    registers: [this.registry],
  })
  readonly writebackOldest = new Gauge({
    name: 'cc_writeback_outbox_oldest_seconds',
    help: 'Age of the oldest undelivered outbox row, by target (0 when none)',
    labelNames: ['target'] as const,
    registers: [this.registry],
  })
  readonly writebackDeadRows = new Gauge({
    name: 'cc_writeback_outbox_dead',
    help: 'Dead-lettered outbox rows waiting for replay, by target',
    labelNames: ['target'] as const,
    registers: [this.registry],
  })
  readonly writebackFailing = new Gauge({
    name: 'cc_writeback_target_failing_seconds',
    help: 'How long every attempt to the target has failed (0 while healthy); an alert is raised at writeback.failingAlertMs',
    labelNames: ['target'] as const,
    registers: [this.registry],
  })

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'cc_' })
  }
}
