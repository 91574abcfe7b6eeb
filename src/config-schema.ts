/**
 * The shape of the one configuration object: every setting with its type, bounds and default. Read by
 * `config.ts`, the only module that looks at the environment.
 */
import { z } from 'zod'

const port = z.coerce.number().int().min(0).max(65535)
const ms = z.coerce.number().int().min(0)
const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => (typeof v === 'boolean' ? v : v === 'true' || v === '1' || v === 'yes'))

export const configSchema = z.object({
  dataDir: z.string().min(1).default('./data'),
  log: z
    .object({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
  mqtt: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: port.default(1883),
      wsPort: port.default(9080),
      wsPath: z.string().default('/mqtt'),
      tlsPort: port.default(8883),
      tlsCertFile: z.string().optional(),
      tlsKeyFile: z.string().optional(),
      tlsCaFile: z.string().optional(),
      /** When a CA is configured, a client certificate whose CN is the device id authenticates the device. */
      tlsRequireClientCert: bool.default(false),
      /** Anonymous clients on any topic. Development only; logged as a warning at start. */
      openMode: bool.default(false),
      maxPacketBytes: z.coerce
        .number()
        .int()
        .min(1024)
        .max(268_435_455)
        .default(256 * 1024),
      connectTimeoutMs: ms.default(10_000),
      keepaliveMinS: z.coerce.number().int().min(0).default(5),
      keepaliveMaxS: z.coerce.number().int().min(0).default(1200),
      maxTopicLevels: z.coerce.number().int().min(3).max(100).default(8),
      maxClientIdLength: z.coerce.number().int().min(1).max(65535).default(128),
      drainTimeoutMs: ms.default(5_000),
    })
    .prefault({}),
  http: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: port.default(8080),
      /** Admin bearer token. When absent, one is generated on first start, printed once and kept hashed. */
      adminToken: z.string().min(16).optional(),
      bodyLimitBytes: z.coerce
        .number()
        .int()
        .min(1024)
        .default(4 * 1024 * 1024),
    })
    .prefault({}),
  store: z
    .object({
      /** SQLite file; relative paths are resolved against `dataDir`. `:memory:` for throwaway runs. */
      file: z.string().default('gateway.db'),
      /** SQLite `synchronous` in WAL mode: `full` survives power loss, `normal` only process crashes. */
      synchronous: z.enum(['full', 'normal']).default('full'),
      groupCommitMs: z.coerce.number().min(0).max(100).default(2),
      groupCommitMaxMessages: z.coerce.number().int().min(1).default(2000),
      /** WAL checkpoints in a worker thread every so often; 0: SQLite's automatic ones, inside commits. */
      checkpointMs: ms.default(1000),
      /** Raw readings older than this (device time) are deleted; 0 keeps them forever. */
      retentionDays: z.coerce.number().min(0).default(400),
      retentionSweepMs: ms.default(3_600_000),
    })
    .prefault({}),
  ingest: z
    .object({
      /** Device timestamps further ahead of receive time than this are rejected. */
      maxFutureSkewMs: ms.default(10 * 60_000),
      /** Device timestamps older than this (relative to receive time) are rejected. */
      maxAgeMs: ms.default(30 * 24 * 3_600_000),
      /** Physically plausible sensor range; outside it a value is a sensor fault, stored as such. */
      tempMinC: z.coerce.number().default(-60),
      tempMaxC: z.coerce.number().default(85),
      maxBatchReadings: z.coerce.number().int().min(1).default(5000),
      deadLetterSampleBytes: z.coerce.number().int().min(0).default(512),
    })
    .prefault({}),
  alerts: z
    .object({
      /** Time to acknowledge before an alert escalates, per severity; it escalates again every period after. */
      ackSlaMinorMs: ms.default(10 * 60_000),
      ackSlaMajorMs: ms.default(10 * 60_000),
      ackSlaCriticalMs: ms.default(10 * 60_000),
      escalationSweepMs: ms.default(5_000),
    })
    .prefault({}),
  /** The excursion engine at run time (src/monitoring): timers, stall limits, memory bounds. */
  monitoring: z
    .object({
      /** How often silent sensors are looked for (an ongoing data gap raises an alert before data returns). */
      gapTickMs: z.coerce.number().int().min(100).default(30_000),
      /** How often waybills are checked for a stalled transit. */
      stallSweepMs: z.coerce.number().int().min(100).default(60_000),
      /** Longest time without a tracking node per SLA tier (src/rules/stall.ts explains the defaults). */
      stallSameDayMs: z.coerce
        .number()
        .int()
        .min(1)
        .default(3 * 3_600_000),
      stallNextDayMs: z.coerce
        .number()
        .int()
        .min(1)
        .default(8 * 3_600_000),
      stallStandardMs: z.coerce
        .number()
        .int()
        .min(1)
        .default(24 * 3_600_000),
      /**
       * Engine states kept in memory (about 8 KB each at a reading every 2 min, 15 KB at one a minute); the
       * least recently used beyond this are rebuilt from the store when next needed.
       */
      cacheWaybills: z.coerce.number().int().min(1).default(20_000),
      /** Re-evaluation window per waybill: older late readings are re-evaluated from the store instead. */
      windowSpanMs: z.coerce
        .number()
        .int()
        .min(60_000)
        .default(6 * 3_600_000),
      windowMaxReadings: z.coerce.number().int().min(64).default(512),
      /**
       * States rebuilt from the store per gap-tick slice (1000 waybills) at most: bounds the tick's work after
       * a restart; readings rebuild the states of their waybills anyway.
       */
      rebuildsPerTick: z.coerce.number().int().min(1).default(20),
    })
    .prefault({}),
  auth: z
    .object({
      /** scrypt cost for device secrets and API tokens (N = 2^log2N). */
      scryptLog2N: z.coerce.number().int().min(10).max(20).default(14),
    })
    .prefault({}),
  /** The InfluxDB telemetry sink (docs/influx-schema.md): fed from the store through a durable cursor. */
  influx: z
    .object({
      /** Off by default: the embedded default needs no server. */
      enabled: bool.default(false),
      /** Base URL of an InfluxDB v2 compatible write API (InfluxDB 2/3, VictoriaMetrics). */
      url: z.string().url().default('http://127.0.0.1:8086'),
      org: z.string().default('coldchain'),
      bucket: z.string().min(1).default('telemetry'),
      token: z.string().optional(),
      precision: z.enum(['s', 'ms', 'us', 'ns']).default('ms'),
      /** Most rows of one stream sent in one write request. */
      batchSize: z.coerce.number().int().min(1).max(50_000).default(5000),
      /** How often the sink looks for new rows when it is caught up: the latency floor. */
      flushIntervalMs: z.coerce.number().int().min(10).default(200),
      timeoutMs: z.coerce.number().int().min(100).default(10_000),
      /** Backoff after a failed write: doubles from min up to max. */
      backoffMinMs: z.coerce.number().int().min(10).default(500),
      backoffMaxMs: z.coerce.number().int().min(10).default(30_000),
      /** How long stop() waits for an in-flight write. */
      stopTimeoutMs: ms.default(5_000),
    })
    .prefault({}),
  /** The bridge: the gateway as an MQTT client of an external broker (Mosquitto, EMQX), ingesting its devices. */
  bridge: z
    .object({
      enabled: bool.default(false),
      url: z.string().default('mqtt://127.0.0.1:1883'),
      username: z.string().optional(),
      password: z.string().optional(),
      /** Stable, so the broker keeps the session (and queued QoS 1 messages) while the gateway is down. */
      clientId: z.string().min(1).default('coldchain-gateway-bridge'),
      topics: z
        .union([z.array(z.string().min(1)), z.string()])
        .transform((v) =>
          typeof v === 'string'
            ? v
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean)
            : v,
        )
        .pipe(z.array(z.string().min(1)).min(1))
        .default(['cc/+/telemetry', 'cc/+/scan', 'cc/+/status']),
      qos: z.coerce.number().int().min(0).max(2).default(1),
      /** false: a persistent session, so messages published while the gateway is down are delivered later. */
      clean: bool.default(false),
      /** MQTT 5 session expiry: how long the broker keeps the session while the gateway is away. */
      sessionExpiryS: z.coerce
        .number()
        .int()
        .min(0)
        .default(7 * 86_400),
      /** Devices the registry does not know: `accept` stores their data (kind unchecked), `dead_letter` refuses it. */
      unknownDevices: z.enum(['accept', 'dead_letter']).default('accept'),
      caFile: z.string().optional(),
      reconnectMs: ms.default(1_000),
      /** How long stop() waits for the message being committed before it disconnects. */
      drainTimeoutMs: ms.default(5_000),
    })
    .prefault({}),
  /** Writeback to the platforms (README "Platforms"): the outbox relay and the temperature trail batches. */
  writeback: z
    .object({
      /** Run the relay and the trail scheduler; rows are written to the outbox either way. */
      enabled: bool.default(true),
      /**
       * AES-256-GCM key for platform credentials at rest: 32 bytes as base64 or hex. When absent, a key is
       * generated once into `secretKeyFile` (mode 0600) in the data directory; back it up with the store.
       */
      secretKey: z.string().optional(),
      secretKeyFile: z.string().min(1).default('writeback.key'),
      /** The courier's own carrier code; each target maps it to the platform's code (`carrierCodes`). */
      carrier: z.string().min(1).default('CC'),
      /** A row still undelivered this long after its event is dead-lettered (Stripe: 3 days). */
      maxAgeMs: ms.default(3 * 86_400_000),
      /** Retry delays: full jitter over base·2^(attempt−1), capped (docs in src/writeback/relay/backoff.ts). */
      backoffBaseMs: z.coerce.number().int().min(1).default(1_000),
      backoffMaxMs: z.coerce
        .number()
        .int()
        .min(1)
        .default(10 * 60_000),
      /** A platform's Retry-After is obeyed up to this long. */
      maxRetryAfterMs: ms.default(3_600_000),
      requestTimeoutMs: z.coerce.number().int().min(100).default(10_000),
      /** Periodic scan for due retries (new rows wake the relay at once). */
      scanIntervalMs: z.coerce.number().int().min(10).default(1_000),
      /** Dead-letter sweep, purge of old delivered rows and the outbox gauges. */
      sweepIntervalMs: z.coerce.number().int().min(100).default(10_000),
      /** Delivered rows are deleted after this long; 0 keeps them. */
      deliveredRetentionMs: ms.default(7 * 86_400_000),
      /** Delivery outcomes are committed at most this often under load (one fsync for many); 0 = at once. */
      outcomeFlushMs: ms.default(5),
      /** Concurrent requests per target unless the target sets its own. */
      concurrency: z.coerce.number().int().min(1).max(256).default(32),
      /** A target failing this long raises a `writeback_failing` alert. */
      failingAlertMs: ms.default(10 * 60_000),
      /** A tracking node acknowledged later than this after its scan counts as a late return. */
      lateNodeMs: ms.default(60_000),
      /** How often the trail scheduler looks for waybills whose batch is due. */
      trailSweepMs: z.coerce.number().int().min(100).default(30_000),
    })
    .prefault({}),
})

export type Config = z.infer<typeof configSchema>

export type ConfigInput = z.input<typeof configSchema>
