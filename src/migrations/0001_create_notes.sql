-- The example domain. Every tenant table carries tenant_id; the data layer adds it to every
-- statement, and the row-level security policy below is the second line for raw SQL.
create table notes (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null,
  title text not null,
  body text not null default '',
  created_at timestamptz not null default now()
);

create index notes_tenant_created_idx on notes (tenant_id, created_at, id);

alter table notes enable row level security;
-- FORCE makes the policy apply to the table owner too; superusers still bypass it, which is why
-- the data layer switches superuser sessions to a non-superuser role for tenant queries.
alter table notes force row level security;

create policy notes_tenant_isolation on notes
  using (tenant_id = current_setting('app.tenant_id', true))
  with check (tenant_id = current_setting('app.tenant_id', true));
