/** Injection token of the EventStore (JetStreamEventStore in production). */
export const EVENT_STORE = Symbol('EventStore');
