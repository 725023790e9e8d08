-- The platform's auditors (compliance officers): a user flag like is_platform_admin. An auditor signs in
-- to the platform (with a second factor, as administrators do) and may read and export the audit trail
-- and the GDPR requests of every business, and change nothing.
alter table users add column is_platform_auditor boolean not null default false;
