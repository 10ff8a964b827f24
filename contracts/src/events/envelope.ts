import { z } from 'zod';

/**
 * Every event in the stream is this JSON envelope. The stream sequence is not in the body: it is assigned by
 * JetStream, and it is the event's position and its order. Type and version are also sent as headers
 * (`Natter-Event-Type`, `Natter-Event-Version`) so operators can filter with the nats CLI.
 */
export const EventEnvelope = z.object({
  id: z.string(),
  type: z.string(),
  v: z.number().int().positive(),
  /** ISO-8601 time the command was decided; informative only, never used for ordering. */
  at: z.string(),
  /** The user whose command produced the event, or null for the system. */
  actor: z.string().nullable(),
  data: z.unknown(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

export const EventHeaders = Object.freeze({ type: 'Natter-Event-Type', version: 'Natter-Event-Version' });
