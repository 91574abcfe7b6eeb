import type { StepFactory } from './step.js'

/** Stores every refusal with its reason; runs after the other store steps, which may add seq conflicts. */
export const storeDeadLetters: StepFactory = ({ db, metrics }) => {
  const insert = db.prepare(`
    INSERT INTO dead_letters (received_at, device_id, topic, reason, detail, batch_index, sample, payload_bytes)
    VALUES (@receivedAt, @deviceId, @topic, @reason, @detail, @index, @sample, @payloadBytes)`)
  return {
    name: 'store-dead-letters',
    essential: true,
    run(ctx) {
      for (const message of ctx.messages) {
        for (const letter of message.deadLetters) {
          insert.run(letter)
          metrics.deadLetters.inc({ reason: letter.reason })
        }
      }
    },
  }
}
