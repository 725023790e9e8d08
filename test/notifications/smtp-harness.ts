import { afterAll, beforeAll, beforeEach } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { makeTenant, startHarness, type Harness, type TestTenant } from '../webhooks/harness.ts';

export interface SmtpHarness {
  database: TestDatabase;
  harness: Harness;
  smtp: SmtpSink;
  /** A fresh tenant for each test; the sink is emptied before each test. */
  tenant: TestTenant;
}

/**
 * The notifications module delivering over a real SMTP conversation: a database of the file's own,
 * an SMTP sink, the module harness pointed at it, and a fresh tenant per test. Call once at the
 * top of a test file; the fields are filled by the hooks it registers.
 */
export function useSmtpHarness(): SmtpHarness {
  const context = {} as SmtpHarness;
  beforeAll(async () => {
    context.database = await openTestDatabase();
    context.smtp = await new SmtpSink().start();
    context.harness = await startHarness(context.database, { env: { SMTP_URL: context.smtp.url, EMAIL_FROM: 'Peluquería Sol <citas@sol.example>' } });
  });
  afterAll(async () => {
    await context.harness?.close();
    await context.smtp?.close();
    await context.database?.close();
  });
  beforeEach(async () => {
    context.tenant = await makeTenant(context.database);
    context.smtp.messages.length = 0;
  });
  return context;
}
