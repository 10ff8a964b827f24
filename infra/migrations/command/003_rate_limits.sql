-- Rate limits shared by every command-api instance (command-api/src/shared/rate-limits/). UNLOGGED: no WAL
-- for a write per limited request; after a Postgres crash the table is empty, which only forgets recent use.

-- One GCRA bucket per key (`send:<userId>`, `login:addr:<address>`, ...): `tat_ms` is the theoretical arrival
-- time of the next request (ms since the epoch, Postgres's clock, so every instance agrees).
create unlogged table natter.rate_limits (
  key    text primary key,
  tat_ms double precision not null
);

-- Take one request for `p_key` at one per `p_interval_ms` with bursts of `p_burst`. Returns 0 when allowed,
-- else how many ms until one more would be (and changes nothing). Atomic: the upsert locks the row, so
-- concurrent takers on any instance are serialized and never both get the last token.
create function natter.rate_take(p_key text, p_interval_ms double precision, p_burst integer) returns double precision
language plpgsql as $$
declare
  now_ms double precision := extract(epoch from clock_timestamp()) * 1000;
  tau    double precision := p_interval_ms * (p_burst - 1);
  tat    double precision;
begin
  insert into natter.rate_limits as b (key, tat_ms) values (p_key, now_ms + p_interval_ms)
  on conflict (key) do update set tat_ms = greatest(b.tat_ms, now_ms) + p_interval_ms
    where greatest(b.tat_ms, now_ms) - now_ms <= tau
  returning b.tat_ms into tat;
  if found then
    return 0;
  end if;
  select greatest(b.tat_ms, now_ms) - now_ms - tau into tat from natter.rate_limits b where b.key = p_key;
  return greatest(coalesce(tat, 1), 1);
end $$;

-- Failed logins per key (`<account>|<address>`, `<account>`): consecutive failures, forgotten after a quiet
-- `forget` period or a successful login. The backoff they imply is computed by command-api (login-throttle.ts).
create unlogged table natter.login_failures (
  key       text primary key,
  failures  integer not null,
  last_ms   double precision not null
);

-- Count one failure for `p_key` (restarting at 1 after `p_forget_ms` without one); returns the new count.
create function natter.login_failed(p_key text, p_forget_ms double precision) returns integer
language sql as $$
  insert into natter.login_failures as f (key, failures, last_ms)
  values (p_key, 1, extract(epoch from clock_timestamp()) * 1000)
  on conflict (key) do update set
    failures = case when extract(epoch from clock_timestamp()) * 1000 - f.last_ms > p_forget_ms then 1 else f.failures + 1 end,
    last_ms = extract(epoch from clock_timestamp()) * 1000
  returning failures
$$;
