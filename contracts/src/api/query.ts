import { z } from 'zod';

/**
 * Every query answer carries `asOfSeq`: the stream sequence up to which the read model is current (also sent
 * as the `Natter-As-Of-Seq` header). `?minSeq=N` makes the read wait (at most Limits.minSeqWaitMsMax) until
 * asOfSeq >= N, else it answers 503 projection_lagging.
 */
export const AsOfSeqHeader = 'Natter-As-Of-Seq';
export const MinSeqQuery = z.strictObject({ minSeq: z.coerce.number().int().nonnegative().optional() });
export const Page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), asOfSeq: z.number().int() });
