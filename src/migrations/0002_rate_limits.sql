-- Rate-limit counters shared by every instance on one PostgreSQL (blessed/ratelimit). Keys are
-- hashes of a client address or of a token's tenant and subject: no tenant data lives here, so
-- the table has no tenant_id and needs no row-level security.
create table golden_path_rate_limits (
  key text primary key,
  hits integer not null,
  reset_at timestamptz not null
);

create index golden_path_rate_limits_reset_idx on golden_path_rate_limits (reset_at);
