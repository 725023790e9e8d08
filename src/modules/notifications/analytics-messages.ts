import type { Trx } from '../../platform/db/database.ts';
import type { AnalyticsMessagesPort } from '../analytics/index.ts';
import { composeMessages, type ComposerDeps } from './message-composer.ts';
import { formatAmount } from './message-content.ts';
import type { Language } from './notification-catalogue.ts';

const LOCALES: Record<Language, string> = { es: 'es-ES', en: 'en-GB' };

/** A rate in basis points as a percentage with one decimal, or a dash without one. */
function percent(bps: number | null, language: Language): string {
  return bps === null ? '—' : new Intl.NumberFormat(LOCALES[language], { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(bps / 10_000);
}

const signed = (value: number, text: string) => (value > 0 ? `+${text}` : value < 0 ? `−${text.replace(/^[-−]/, '')}` : text);

/** A local date as a sentence shows it ("Monday, 23 March 2026"). */
function longDate(date: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALES[language], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

/**
 * Analytics' e-mails (its messages port): the weekly summary to the owner or manager who asked for
 * it, by e-mail only, once per person and week (the dedupe key).
 */
export function createAnalyticsMessages(composer: ComposerDeps): AnalyticsMessagesPort {
  return {
    async queueWeeklySummary(trx: Trx, tenantId, message) {
      const { summary } = message;
      await composeMessages(trx, composer, tenantId, {
        key: 'analytics.weekly_summary',
        dedupeBase: `weekly-summary:${message.userId}:${message.weekStart}`,
        eventId: null,
        recipient: { kind: 'address', channel: 'email', address: message.to },
        channels: ['email'],
        extra: (language) => ({
          person: { first_name: message.firstName ?? '' },
          week: { from: longDate(summary.from, language), to: longDate(summary.to, language) },
          figures: {
            bookings: summary.bookings.current,
            bookings_change: signed(summary.bookings.current - summary.bookings.previous, String(Math.abs(summary.bookings.current - summary.bookings.previous))),
            completed: summary.completed.current,
            revenue: formatAmount(summary.serviceRevenue.current, summary.currency, language),
            revenue_change: signed(
              summary.serviceRevenue.current - summary.serviceRevenue.previous,
              formatAmount(Math.abs(summary.serviceRevenue.current - summary.serviceRevenue.previous), summary.currency, language),
            ),
            no_show_rate: percent(summary.noShowRateBps.current, language),
            cancellation_rate: percent(summary.cancellationRateBps.current, language),
            utilisation: percent(summary.utilisationBps.current, language),
          },
          reports_url: summary.reportsUrl,
        }),
      });
    },
  };
}
