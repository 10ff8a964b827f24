-- Rebuilds of a read model into a new READ_MODEL_VERSION (the projectors upgrade an older one on start):
-- how far each got, for the logs, `npm run up`'s progress lines and query-api's 503 "rebuilding read models N%"
-- while the live schema is of an older version. One row per schema built; finished_at is set at the swap.
create table natter.read_model_builds (
  schema       text primary key,
  projection   text not null,
  from_schema  text not null,
  target_seq   bigint not null,
  applied_seq  bigint not null,
  started_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  finished_at  timestamptz
);
