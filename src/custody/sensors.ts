/**
 * Which sensors are mounted in which container: enabled truck and box sensors by `devices.container`. Held in
 * memory (the fleet is small next to the reading rate) and reloaded whenever the device registry changes
 * (`custody_state.sensors_generation`, bumped by triggers on `devices`).
 */
import type BetterSqlite3 from 'better-sqlite3'
import type { Database } from '../store/database.js'

export class SensorDirectory {
  private byContainer = new Map<string, string[]>()
  private containerOf = new Map<string, string>()
  private readonly all: BetterSqlite3.Statement<[], { id: string; container: string }>

  constructor(db: Database) {
    this.all = db.prepare<[], { id: string; container: string }>(
      `SELECT id, container FROM devices
        WHERE kind IN ('truck_sensor', 'box_sensor') AND enabled = 1 AND container IS NOT NULL ORDER BY id`,
    )
  }

  reload(): void {
    const byContainer = new Map<string, string[]>()
    const containerOf = new Map<string, string>()
    for (const { id, container } of this.all.all()) {
      containerOf.set(id, container)
      const list = byContainer.get(container)
      if (list) list.push(id)
      else byContainer.set(container, [id])
    }
    this.byContainer = byContainer
    this.containerOf = containerOf
  }

  /** The enabled sensors in a container, by id; empty when it has none. */
  in(container: string): readonly string[] {
    return this.byContainer.get(container) ?? []
  }

  has(container: string): boolean {
    return this.byContainer.has(container)
  }

  /** The container an enabled sensor is mounted in. */
  containerOfDevice(deviceId: string): string | null {
    return this.containerOf.get(deviceId) ?? null
  }
}
