import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { configurationDoc, errorsDoc } from '../../../scripts/gen-docs.js'

const docs = join(import.meta.dirname, '../../../docs')

describe('generated documents', () => {
  it('docs/errors.md lists the error catalogue as the code has it (run `npm run docs`)', () => {
    expect(readFileSync(join(docs, 'errors.md'), 'utf8')).toBe(errorsDoc())
  })

  it('docs/configuration.md lists every setting as the code has it (run `npm run docs`)', () => {
    expect(readFileSync(join(docs, 'configuration.md'), 'utf8')).toBe(configurationDoc())
  })
})
