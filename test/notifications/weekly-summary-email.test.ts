/**
 * The weekly summary e-mail over a real SMTP conversation: the figures the analytics job hands
 * over arrive formatted in the business's language, to the person who asked, once per week.
 */
import { describe, expect, it } from 'vitest';
import type { WeeklySummary } from '../../src/modules/analytics/index.ts';
import { withTenant } from '../../src/platform/db/tenant-context.ts';
import { adminToken } from '../webhooks/harness.ts';
import { useSmtpHarness } from './smtp-harness.ts';

const env = useSmtpHarness();

const summary: WeeklySummary = {
  from: '2026-03-23',
  to: '2026-03-29',
  currency: 'EUR',
  bookings: { current: 42, previous: 37 },
  completed: { current: 38, previous: 35 },
  cancellationRateBps: { current: 714, previous: 500 },
  noShowRateBps: { current: 476, previous: null },
  utilisationBps: { current: 6300, previous: 6000 },
  serviceRevenue: { current: 126_000, previous: 141_000 },
  reportsUrl: 'https://app.example.com/admin/reports?from=2026-03-23&to=2026-03-29',
};

async function queue(weekStart: string) {
  await withTenant(env.database.db, env.tenant.tenantId, (trx) =>
    env.harness.notifications.analyticsMessages.queueWeeklySummary(trx, env.tenant.tenantId, {
      userId: '5b0f7f39-7a51-4c64-9d0a-0b1f5d0c2a11',
      to: 'olivia.owner@example.com',
      firstName: 'Olivia',
      weekStart,
      summary,
    }),
  );
  await env.harness.drain();
}

describe('weekly summary e-mail', () => {
  it('arrives in Spanish with the week, the figures and their changes, and the link to the reports', async () => {
    const settings = await env.harness.server.inject({
      method: 'PATCH',
      url: '/api/v1/notification-settings',
      headers: { authorization: adminToken(env.tenant.tenantId) },
      payload: { default_language: 'es' },
    });
    expect(settings.statusCode).toBe(200);
    await queue(summary.from);

    expect(env.smtp.messages).toHaveLength(1);
    const [mail] = env.smtp.messages;
    expect(mail?.envelopeTo).toEqual(['olivia.owner@example.com']);
    expect(mail?.parsed.subject).toContain('(42 reservas)');
    const text = mail?.parsed.text ?? '';
    expect(text).toContain('Hola Olivia:');
    expect(text).toContain('del lunes, 23 de marzo de 2026 al domingo, 29 de marzo de 2026');
    expect(text).toContain('- Reservas: 42 (+5)');
    // 1260,00 € this week (Spanish groups thousands from five digits), 150,00 € less than the week before.
    expect(text).toMatch(/- Ingresos por servicios: 1260,00\s€ \(−150,00\s€\)/);
    expect(text).toMatch(/- Ocupación: 63,0\s%/);
    expect(text).toMatch(/- No presentados: 4,8\s%/);
    expect(text).toContain(summary.reportsUrl);

    // The same person and week again: nothing more goes out.
    await queue(summary.from);
    expect(env.smtp.messages).toHaveLength(1);
    await queue('2026-03-30');
    expect(env.smtp.messages).toHaveLength(2);
  });
});
