/** Every migration, in order. Append only: a released migration is never edited. */
import { foundation } from './001-foundation.js'

export interface Migration {
  version: number
  name: string
  sql: string
}

export const migrations: Migration[] = [foundation]
