-- Which Postgres schema holds the live read model. A rebuild fills a new schema, then flips this row.
create schema if not exists natter;
create table natter.read_models (
  projection    text primary key,
  active_schema text not null,
  switched_at   timestamptz not null default now()
);
