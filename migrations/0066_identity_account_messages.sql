-- Identity: account e-mails through the notifications pipeline, no token in clear.
-- Conventions: see the header of 0002_tenancy.sql.
--
-- Password reset links, e-mail verification links and sign-up notices concern a person's own
-- account, not one business, so they sit in the outbox of the platform tenant (the all-zeros id
-- audit_logs already uses for platform events; invitations sit in the inviting business's). Its
-- row exists only so that notifications (tenant_id references tenants) can hold them: suspended,
-- so no public page answers for it, and a slug longer than sign-up accepts (63), so no business
-- can take it. Platform search already leaves it out.
insert into tenants (id, name, slug, plan_id, status, settings)
values ('00000000-0000-0000-0000-000000000000', 'ReserveHub', 'reservehub-platform-00000000-0000-0000-0000-000000000000-internal',
        'starter', 'suspended', '{"suspension_reason": "the platform itself: holds account e-mails only"}')
on conflict (id) do nothing;

-- The embedded mode's former identity outbox kept every link with its token in clear (body and
-- data). Messages now go through `notifications` (the token encrypted apart and dropped once sent),
-- so the table and the tokens it still holds go.
drop table captured_messages;

-- One-time tokens are now stored as keyed hashes (HMAC-SHA-256, key derived from the key ring).
-- Rows written before this migration hold a plain SHA-256; they keep working until they expire
-- (at most 7 days, an invitation), and the application writes none any more.
comment on column one_time_tokens.token_hash is
  'HMAC-SHA-256 of purpose and token (key from the key ring); plain SHA-256 only in rows older than migration 0066';
