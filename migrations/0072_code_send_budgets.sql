-- Send budgets of the public one-time-code endpoints (platform/messaging/send-budgets.ts).
--
-- A global table on purpose: a destination or an IP address is counted across every business
-- (one business's budget must not reset another's), and a business's own budget sits here too.
-- It holds no tenant data: `key` is an HMAC (deployment secret) of the budget's name and what it
-- counts, never an address or an IP in clear. Only platform work touches it (the owner
-- connection, outside any tenant unit of work), so the application role gets nothing; under
-- Citus it is a small local table of the coordinator.
create table code_send_budgets (
  key text primary key,
  window_started_at timestamptz not null,
  sends integer not null check (sends >= 0),
  last_sent_at timestamptz not null,
  expires_at timestamptz not null
);
create index code_send_budgets_expiry on code_send_budgets (expires_at);
revoke all on code_send_budgets from reservehub_app;
