import { Button, Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../reports/format.ts';
import { errorText } from '../../ui/error-text.ts';
import { ToneBadge, type Tone } from '../../ui/tone-badge.tsx';
import platformClasses from '../platform.module.css';
import classes from './activity.module.css';
import { ACTIVITY_NAMESPACES } from './activity-words.ts';
import { useTenantPayments, type TenantPayment } from './use-tenant-activity.ts';

const STATUS_TONE: Record<string, Tone> = {
  succeeded: 'positive',
  partially_refunded: 'info',
  refunded: 'neutral',
  cancelled: 'neutral',
  failed: 'danger',
};

function PaymentRow({ payment }: { payment: TenantPayment }) {
  const { t, i18n } = useTranslation(ACTIVITY_NAMESPACES);
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const money = (amount: number) => formatMoney(i18n.language, amount, payment.currency);
  return (
    <tr data-testid="tenant-payment" data-payment={payment.id} data-booking-number={payment.booking_number ?? ''}>
      <td data-label={t('payments.date')}>{when.format(new Date(payment.created_at))}</td>
      <td data-label={t('payments.booking')}>
        <span className={classes.mono}>{payment.booking_number ?? t('payments.noBooking')}</span>
      </td>
      <td data-label={t('payments.kind')}>{t(`payments.kinds.${payment.kind}`)}</td>
      <td data-label={t('payments.amount')} className={classes.number}>
        <span className={classes.who}>
          <span>{money(payment.amount)}</span>
          {payment.refunded_amount > 0 && <span className={classes.sub}>{t('payments.refunded', { amount: money(payment.refunded_amount) })}</span>}
        </span>
      </td>
      <td data-label={t('payments.status')}>
        <span className={classes.who}>
          <span>
            <ToneBadge tone={STATUS_TONE[payment.status] ?? 'warning'}>{t(`payments.statuses.${payment.status}`, { defaultValue: payment.status })}</ToneBadge>
          </span>
          {payment.failure_code && <span className={classes.sub}>{t('payments.failure', { code: payment.failure_code })}</span>}
        </span>
      </td>
    </tr>
  );
}

/** The business's latest customer payments, newest first, page by page. */
export function PaymentsCard({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation(ACTIVITY_NAMESPACES);
  const { t: adminT } = useTranslation('admin');
  const payments = useTenantPayments(tenantId);
  const items = payments.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section className={platformClasses.panel} aria-labelledby="payments-title" data-testid="tenant-payments">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h3" id="payments-title">
            {t('payments.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('payments.intro')}
          </Text>
        </div>
        <div role="status" aria-live="polite">
          {payments.isPending && <Loader size="sm" aria-label={adminT('loading')} />}
          {payments.isError && (
            <Text size="sm" c="red.9" data-testid="tenant-payments-error">
              {t('payments.loadFailed')} {errorText(payments.error, adminT)}
            </Text>
          )}
          {payments.isSuccess && items.length === 0 && (
            <Text size="sm" c="dimmed" data-testid="tenant-payments-empty">
              {t('payments.empty')}
            </Text>
          )}
        </div>
        {items.length > 0 && (
          <table className={classes.table}>
            <thead>
              <tr>
                <th scope="col">{t('payments.date')}</th>
                <th scope="col">{t('payments.booking')}</th>
                <th scope="col">{t('payments.kind')}</th>
                <th scope="col" className={classes.number}>
                  {t('payments.amount')}
                </th>
                <th scope="col">{t('payments.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((payment) => (
                <PaymentRow key={payment.id} payment={payment} />
              ))}
            </tbody>
          </table>
        )}
        {payments.hasNextPage && (
          <div>
            <Button size="xs" variant="default" loading={payments.isFetchingNextPage} onClick={() => void payments.fetchNextPage()} data-testid="tenant-payments-more">
              {t('payments.more')}
            </Button>
          </div>
        )}
      </Stack>
    </section>
  );
}
