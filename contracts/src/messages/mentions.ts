import { Limits } from '../limits';

/**
 * Who a message text mentions, as written: `@username` (3-32 of A-Z a-z 0-9 _, as usernames are), `@room`
 * (everyone in the room) and `@here` (everyone in the room who is online). The server resolves usernames to
 * ids when the message is sent or edited and stores the ids in the event, so nothing matches text at read
 * time; the web client uses the same rule to draw mentions.
 *
 * Not mentions: text inside inline code or code blocks, an `@` preceded by a word character, `.`, `/` or
 * another `@` (emails, paths), and a name longer than a username can be. A user named `room` or `here` cannot
 * be mentioned by name. At most Limits.mentionsMax distinct names count; the rest stay text.
 */
export interface ParsedMentions {
  /** Lowercased, distinct, in order of first appearance. */
  usernames: string[];
  room: boolean;
  here: boolean;
}

const CODE = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g;
/** One `@name` as written (the web client draws mentions with this same pattern). */
export const MENTION = /(?<![A-Za-z0-9_@./])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/g;

export function parseMentions(text: string): ParsedMentions {
  const plain = text.replace(CODE, (m) => ' '.repeat(m.length));
  const usernames: string[] = [];
  const seen = new Set<string>();
  let room = false;
  let here = false;
  for (const m of plain.matchAll(MENTION)) {
    const name = m[1].toLowerCase();
    if (name === 'room') room = true;
    else if (name === 'here') here = true;
    else if (!seen.has(name) && usernames.length < Limits.mentionsMax) {
      seen.add(name);
      usernames.push(name);
    }
  }
  return { usernames, room, here };
}
