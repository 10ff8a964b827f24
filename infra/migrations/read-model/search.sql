-- The `search` projection's table (issue 12), inside a read-model schema (__SCHEMA__). It is not part of
-- read-model.sql on purpose: every statement is idempotent, so the search projection can add it to the LIVE
-- schema of a running deployment and back-fill it from the log from its own checkpoint (the `checkpoint` row
-- `search`), without a new READ_MODEL_VERSION and without rebuilding the chat tables. A new schema built by a
-- rebuild gets it too (createReadModelSchema), so `npm run replay -- --verify --swap` rebuilds and compares it.
-- Authorization is not stored here: query-api joins room_members of the same schema at query time.

-- One row per message: its current text (an edit replaces it), or a tombstone (deleted, text emptied).
-- Postgres full-text search: `tsv` is derived by Postgres from the text (english: stemming, stop words), so
-- the projector writes plain rows and an edit re-indexes by updating `text`.
create table if not exists __SCHEMA__.search_messages (
  room_id         text not null,
  seq             bigint not null,
  sender_id       text not null,
  sent_at         timestamptz not null,
  thread_root_seq bigint,
  text            text not null,
  has_link        boolean not null default false,
  edited_seq      bigint,
  deleted         boolean not null default false,
  tsv             tsvector generated always as (to_tsvector('english'::regconfig, text)) stored,
  primary key (room_id, seq)
);
-- The word index; deleted rows have an empty tsv and never match. New entries wait in GIN's pending list,
-- which every search scans in full: a small limit (512 kB, default 4 MB) keeps that scan short (a search for a
-- word nobody wrote took 18 ms at the default) at the price of merging the list into the index more often.
create index if not exists search_messages_tsv_idx on __SCHEMA__.search_messages using gin (tsv) with (gin_pending_list_limit = 512);
-- Filter-only queries (from:@user with no words) and the newest-first scan of a sender's messages.
create index if not exists search_messages_sender_idx on __SCHEMA__.search_messages (sender_id, seq);
-- Bands (query-api search-bands.ts): a page ranks only the matches inside a seq range below the head, newest
-- range first. The range is a btree bitmap the planner ANDs with the word index's bitmap, so only the band's
-- matches are read from the heap and ranked (10,000 matches of a word in 1 % of a million messages cost
-- ~30-200 ms to rank; the ~200 of the newest band a few ms). Without words it is the newest-first walk that
-- stops at the page. Partial: deleted rows are never results. Built in place on a live schema: a plain
-- CREATE INDEX holds off the search projector's writes (reads go on) for a second or so per million rows.
create index if not exists search_messages_seq_idx on __SCHEMA__.search_messages (seq) where not deleted;
-- has:link and is:thread: the same ranges over the few messages with a link, or in a thread (a word's bitmap
-- ANDed with them, or a newest-first walk of them alone, instead of reading and testing every message).
create index if not exists search_messages_link_idx on __SCHEMA__.search_messages (seq) where has_link and not deleted;
create index if not exists search_messages_thread_idx on __SCHEMA__.search_messages (seq) where thread_root_seq is not null and not deleted;
