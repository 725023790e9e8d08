-- Export archives hold every customer in clear, so from now on they are stored encrypted under the key ring:
-- `archive` keeps its type and holds the `b1.<kid>.` binary ciphertext (KeyRing.encryptBytes), bound to the
-- business and the export. Archives written before were plain ZIP files: they are dropped here rather than
-- left readable for the rest of their week (their exports show as expired; the owner asks for a new one), and
-- the check refuses a plain archive from now on. Row security is lifted for this statement only: it is not
-- run under a tenant.
alter table business_exports no force row level security;
update business_exports set status = 'expired', archive = null
  where archive is not null and substring(archive from 1 for 3) <> '\x62312e'::bytea;
alter table business_exports force row level security;
alter table business_exports
  add constraint business_exports_archive_encrypted check (archive is null or substring(archive from 1 for 3) = '\x62312e'::bytea);
