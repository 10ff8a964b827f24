import { Limits, NatterError } from '@natter/contracts';

/**
 * `minSeq` for reads served by a projection with a checkpoint of its own (the notifications center, the search
 * index), which the reader's wait on the chat read model does not cover: `attempt` reads and says how far its
 * projection is (`asOfSeq`), with a `value` once that reaches the caller's minSeq. Polled every `pollMs`, at most
 * Limits.minSeqWaitMsMax, then `projection_lagging` with how far it got, like every other read.
 */
export async function untilOwnCheckpoint<T>(minSeq: number | undefined, attempt: () => Promise<{ asOfSeq: number; value: T | undefined }>, pollMs = 25): Promise<T> {
  const deadline = Date.now() + Limits.minSeqWaitMsMax;
  for (;;) {
    const r = await attempt();
    if (r.value !== undefined) return r.value;
    if (Date.now() >= deadline) throw new NatterError('projection_lagging', undefined, { minSeq, asOfSeq: r.asOfSeq, waitedMs: Limits.minSeqWaitMsMax });
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
