import type { EventDataOf } from '../events/catalog';
import { NoMentions } from './fold';

/**
 * Deleted text is never served again, but the stream (the source of truth, never purged) still holds it in the
 * message's MessageSent and MessageEdited events. Whatever serves stored events to people (the edge's backfill
 * on resume, a retried send's answer) asks which messages are deleted and blanks these events' content first.
 */

/** The message whose content (text, mentions) an event carries: its own seq for MessageSent, the edited one's for MessageEdited. */
export function contentOf(seq: number, ev: { type: string; data: unknown }): number | null {
  if (ev.type === 'MessageSent') return seq;
  if (ev.type === 'MessageEdited') return (ev.data as EventDataOf<'MessageEdited'>).messageSeq;
  return null;
}

/** The event without its content: empty text, no mentions, no attachments. Everything else (ids, thread) stays. */
export function redactContent<E extends { type: string; data: unknown }>(ev: E): E {
  if (ev.type !== 'MessageSent' && ev.type !== 'MessageEdited') return ev;
  const data = ev.data as { text: string; mentions?: unknown; attachments?: unknown };
  const { attachments: _gone, ...rest } = data;
  return { ...ev, data: { ...rest, text: '', ...(data.mentions === undefined ? {} : { mentions: NoMentions }) } };
}
