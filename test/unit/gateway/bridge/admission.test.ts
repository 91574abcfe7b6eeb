import { describe, expect, it } from 'vitest'
import { admit } from '../../../../gateway/bridge/admission.js'
import type { Device } from '../../../../src/store/devices.js'

const device = (enabled: boolean): Device => ({
  id: 'box-1',
  kind: 'box_sensor',
  label: '',
  container: null,
  enabled,
  createdAt: 0,
  updatedAt: 0,
  lastSeenAt: null,
})

describe('bridge admission', () => {
  it('ingests a registered device with its kind', () => {
    expect(admit('box-1', device(true), 'dead_letter')).toEqual({ ok: true, kind: 'box_sensor' })
  })

  it('refuses a disabled device whatever the policy', () => {
    expect(admit('box-1', device(false), 'accept')).toMatchObject({
      ok: false,
      reason: 'INGEST_DEVICE_DISABLED',
    })
  })

  it('accepts an unknown device without a kind by default, or refuses it on request', () => {
    expect(admit('ghost', null, 'accept')).toEqual({ ok: true, kind: null })
    expect(admit('ghost', null, 'dead_letter')).toMatchObject({ ok: false, reason: 'INGEST_UNKNOWN_DEVICE' })
  })
})
