import type { Migration } from './index.js'

/**
 * Durable cursors of the outbound sinks (the InfluxDB sink first): the id of the last row of each source table
 * that the sink's server acknowledged. A sink reads rows after its cursor and advances it only after the ack, so
 * an outage or a restart resumes where it stopped.
 */
export const sinkCursors: Migration = {
  version: 2,
  name: 'sink-cursors',
  sql: `
CREATE TABLE sink_cursors (
  name        TEXT PRIMARY KEY,    -- sink and stream, e.g. 'influx:reading'
  last_id     INTEGER NOT NULL,    -- id in the stream's table (readings, scans, device_status)
  updated_at  INTEGER NOT NULL
) STRICT;
`,
}
