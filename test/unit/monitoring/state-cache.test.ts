import { describe, expect, it } from 'vitest'
import { StateCache } from '../../../src/monitoring/state-cache.js'
import { createState, defaultProfiles } from '../../../src/rules/index.js'
import { NO_TIME } from '../../../src/rules/time.js'
import { memoryDb } from '../orders/fixtures.js'

const chilled = { profile: defaultProfiles.chilled }

describe('the state cache', () => {
  const entry = (generation: number) => ({
    state: createState('W'),
    params: chilled,
    faulty: {},
    custody: { pickedUpAt: null, deliveredAt: null },
    heardAt: NO_TIME,
    generation,
  })

  it('evicts the least recently used state beyond its bound', () => {
    const cache = new StateCache(memoryDb(), 2)
    const g = cache.begin()
    cache.set('A', entry(g))
    cache.set('B', entry(g))
    cache.get('A')
    cache.set('C', entry(g))
    expect([cache.peek('A'), cache.peek('B'), cache.peek('C')].map(Boolean)).toEqual([true, false, true])
  })

  it('beyond its bound, drops the least recently used eighth at once', () => {
    const cache = new StateCache(memoryDb(), 16)
    const g = cache.begin()
    const names = Array.from({ length: 16 }, (_, i) => `W${i}`)
    for (const no of names) cache.set(no, entry(g))
    for (const no of names.slice(0, 8)) cache.get(no)
    cache.set('W16', entry(g))
    expect(cache.size).toBe(14)
    expect(names.filter((no) => !cache.peek(no))).toEqual(['W8', 'W9', 'W10'])
    expect(cache.peek('W16')).toBeDefined()
  })

  it('drops the states a rolled-back transaction wrote, keeps the committed ones', () => {
    const db = memoryDb()
    const cache = new StateCache(db, 10)
    cache.set('kept', entry(cache.begin()))
    expect(() =>
      db.transaction(() => {
        cache.set('lost', entry(cache.begin()))
        throw new Error('rolled back')
      })(),
    ).toThrow()
    cache.begin()
    expect(cache.peek('kept')).toBeDefined()
    expect(cache.peek('lost')).toBeUndefined()
  })
})
