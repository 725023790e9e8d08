-- Identity: TOTP hardening (replay protection, secrets encrypted at rest).
-- Conventions: see the header of 0002_tenancy.sql.
--
-- user_credentials is a platform table (people are global, one person may belong to several
-- tenants) that the app role cannot read at all. The key ring is the process's, not a
-- tenant's: the secret is encrypted with the current ENCRYPTION_KEYS key and bound (AES-GCM
-- associated data) to the column and the user id, so a ciphertext copied to another person's
-- row does not decrypt.

-- The TOTP secrets, AES-256-GCM under the platform key ring ("v1.<kid>.<iv>.<tag>.<data>").
alter table user_credentials add column mfa_secret_enc text;
alter table user_credentials add column mfa_pending_secret_enc text;

-- The time step (RFC 6238: floor(unix seconds / 30)) of the last TOTP code accepted at sign-in.
-- A code is accepted only by an update that moves it forward (`... where mfa_last_step < $step
-- returning`), so a code is used at most once, even by two requests at the same moment.
alter table user_credentials add column mfa_last_step bigint;

-- Existing plaintext secrets: encrypting needs the key ring, which SQL does not have, so the
-- application does it once at start-up (identity's onReady: every row still holding a plaintext
-- `mfa_secret` is encrypted into `mfa_secret_enc` and its plaintext set to null, by a
-- conditional update that concurrent starts cannot double-apply). Until then, and for a row
-- written by a process still running the previous version, the sign-in path reads the
-- plaintext and encrypts it on its first successful use. A later migration can drop
-- `mfa_secret` and `mfa_pending_secret` once no row holds a value in them.
--
-- Pending secrets (an enrolment started but not confirmed) are short-lived: they are discarded
-- here rather than carried over; whoever was half-way through enrolment starts it again.
update user_credentials set mfa_pending_secret = null where mfa_pending_secret is not null;

-- Never the same secret in clear and encrypted at once.
alter table user_credentials add constraint user_credentials_mfa_secret_one_form
  check (mfa_secret is null or mfa_secret_enc is null);

-- The start-up pass finds what is left to encrypt without reading the whole table.
create index user_credentials_plaintext_mfa on user_credentials (user_id) where mfa_secret is not null;
