/**
 * The booking module's test server with its messages sent by email to a local SMTP sink, and a worker that runs
 * the booking and notification jobs (the event fan-out first) when a test drains it: for tests that read what a
 * customer was sent, on a fresh database.
 */
import { pino } from 'pino';
import { createEventFanoutJob } from '../../src/platform/events/outbox.ts';
import { Worker } from '../../src/platform/jobs/worker.ts';
import { startBookingServer, type BookingTestApp } from '../booking/harness.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';
import { SmtpSink } from './smtp-sink.ts';

export interface BookingWithMail {
  db: TestDatabase;
  app: BookingTestApp;
  smtp: SmtpSink;
  worker: Worker;
  /** Stops the server, the notifications, the sink and the database, in that order. */
  close(): Promise<void>;
}

export async function startBookingWithMail(): Promise<BookingWithMail> {
  const db = await openTestDatabase();
  const smtp = await new SmtpSink().start();
  const app = await startBookingServer(db, { env: { SMTP_URL: smtp.url } });
  const worker = new Worker({
    handle: db,
    definitions: [createEventFanoutJob(app.booking.subscribers), ...app.booking.jobs, ...app.notifications.jobs],
    logger: pino({ level: 'silent' }),
    concurrency: 2,
    pollMs: 50,
  });
  return {
    db,
    app,
    smtp,
    worker,
    async close() {
      await app.server.close();
      app.notifications.close();
      await smtp.close();
      await db.close();
    },
  };
}
