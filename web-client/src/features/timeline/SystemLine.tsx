import type { ReactNode } from 'react';

/** A one-line notice in the timeline (joins, leaves, room changes), between the messages. */
export function SystemLine({ seq, children }: { seq: number; children: ReactNode }) {
  return (
    <li className="timeline__event" data-testid="timeline-event" data-seq={seq}>
      {children}
    </li>
  );
}
