/** What the sandbox received, in arrival order, bounded (about `max` entries); queried by tests, demos and `GET /_sandbox/requests`. */
import type { RecordedRequest, RequestFilter } from './types.js'

export class Recorder {
  private readonly log: RecordedRequest[] = []
  private seq = 0

  constructor(private readonly max: number) {}

  add(entry: Omit<RecordedRequest, 'seq'>): RecordedRequest {
    this.seq += 1
    const recorded = { seq: this.seq, ...entry }
    this.log.push(recorded)
    // Trim in chunks of a tenth so that a full log does not shift the whole array on every request.
    if (this.log.length > this.max + Math.ceil(this.max / 10)) this.log.splice(0, this.log.length - this.max)
    return recorded
  }

  query(filter: RequestFilter = {}): RecordedRequest[] {
    return this.log.filter(
      (r) =>
        (filter.platform === undefined || r.platform === filter.platform) &&
        (filter.waybill === undefined || r.waybill === filter.waybill) &&
        (filter.outcome === undefined || r.outcome === filter.outcome) &&
        (filter.eventId === undefined || r.eventId === filter.eventId) &&
        (filter.after === undefined || r.seq > filter.after),
    )
  }

  clear(): void {
    this.log.length = 0
  }
}
