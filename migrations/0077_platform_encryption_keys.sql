-- Field-encryption master keys the platform generated for itself, kept once in the database so that
-- every process on it agrees (several `serve` and `work` processes without ENCRYPTION_KEYS would
-- otherwise each invent a key under their own DATA_DIR and fail to read each other's customers).
-- Conventions: see the header of 0002_tenancy.sql. A platform table: no tenant_id, and the
-- application role has no access at all; only the privileged platform path reads it at start.
--
-- `wrapped_key` is the 32-byte key under a key-encryption key from KEY_ENCRYPTION_KEYS
-- (`v1.<kek id>.<iv>.<tag>.<data>`, AES-256-GCM bound to the key's id), or `plain:<base64>`
-- outside production when no key-encryption key is configured.
-- A key rotated in becomes current at `active_from`, after every process has had time to learn it.
create table encryption_keys (
  kid text primary key check (kid ~ '^[A-Za-z0-9_-]{1,32}$'),
  wrapped_key text not null,
  active_from timestamptz not null default now(),
  created_at timestamptz not null default now()
);
revoke all on encryption_keys from reservehub_app;

-- Access-token signing keys generated into the database (JWT_PRIVATE_KEYS unset) rotate the same
-- way: a new key is stored ahead of its activation, every process learns it, and from
-- `active_from` on the newest active key signs while the older ones still verify.
alter table signing_keys add column active_from timestamptz not null default now();
