import { describe, expect, it } from 'vitest'
import {
  influxTime,
  type ReadingRow,
  readingLine,
  scanLine,
  statusLine,
} from '../../../../ingest/sinks/influx-lines.js'

const reading: ReadingRow = {
  id: 1,
  device_id: 'truck-1',
  seq: 42,
  ts: 1_767_225_600_123,
  received_at: 1_767_225_601_123,
  temp_c: 4.5,
  rh: 61,
  door_open: 1,
  lat: null,
  lon: null,
  battery_pct: 88,
  quality: 'ok',
  kind: 'truck_sensor',
}

describe('InfluxDB line protocol of store rows', () => {
  it('writes a reading with low-cardinality tags, typed fields and device time', () => {
    expect(readingLine(reading, 'ms')).toBe(
      'reading,device=truck-1,device_kind=truck_sensor,quality=ok ' +
        'temp_c=4.5,rh=61,door_open=true,battery_pct=88,seq=42i,delay_ms=1000i 1767225600123',
    )
  })

  it('tags devices the registry does not know as unknown', () => {
    expect(readingLine({ ...reading, kind: null }, 'ms')).toContain(',device_kind=unknown,')
  })

  it('escapes tag values and string fields', () => {
    expect(readingLine({ ...reading, device_id: 'a b,c=d' }, 'ms')).toMatch(/^reading,device=a\\ b\\,c\\=d,/)
    const scan = {
      id: 1,
      device_id: 's1',
      seq: 7,
      ts: 1000,
      received_at: 1000,
      waybill: 'WB "1" \\ x',
      event: 'hub_in',
      container: null,
      location_name: 'Hub, North',
      lat: 1.5,
      lon: null,
    }
    expect(scanLine(scan, 'ms')).toBe(
      'scan,device=s1,event=hub_in waybill="WB \\"1\\" \\\\ x",location="Hub, North",lat=1.5,seq=7i 1000',
    )
  })

  it('writes device status', () => {
    const status = {
      id: 1,
      device_id: 'b1',
      ts: 5000,
      received_at: 5000,
      online: 0,
      fw: '1.2',
      battery_pct: null,
      kind: 'box_sensor',
    }
    expect(statusLine(status, 's')).toBe(
      'device_status,device=b1,device_kind=box_sensor online=false,fw="1.2" 5',
    )
  })

  it('converts device time to every precision without rounding', () => {
    expect(influxTime(1_767_225_600_123, 's')).toBe('1767225600')
    expect(influxTime(1_767_225_600_123, 'ms')).toBe('1767225600123')
    expect(influxTime(1_767_225_600_123, 'us')).toBe('1767225600123000')
    expect(influxTime(1_767_225_600_123, 'ns')).toBe('1767225600123000000')
    expect(influxTime(0, 'ns')).toBe('0')
  })

  it('is deterministic, so a replay lands on the same series and timestamp', () => {
    expect(readingLine({ ...reading }, 'ns')).toBe(readingLine({ ...reading }, 'ns'))
  })
})
