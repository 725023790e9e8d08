import { Alert, Button, CopyButton, Group, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../shared/format/format.ts';
import { can, type Me } from '../session/use-session.ts';
import { dateTimeIn } from '../ui/time-format.ts';
import { deskErrorText } from './desk-words.ts';
import { TakePaymentModal } from './take-payment-modal.tsx';
import type { Payment } from './use-desk-payments.ts';
import { takesDeskPayment, usePaymentLink } from './use-desk-payments.ts';
import type { Booking } from './use-desk.ts';
import classes from './desk-page.module.css';

interface Props {
  booking: Booking;
  me: Me | undefined;
  payments: { data: Payment[] | undefined; isPending: boolean; error: unknown };
  due: number;
}

/** Who recorded a desk payment, as far as the person looking may know: themselves, or a member of the team. */
function recorder(payment: Payment, me: Me | undefined, t: (key: string) => string): string {
  if (payment.recorded_by === null) return '';
  return me?.user?.id === payment.recorded_by ? t('payments.you') : t('payments.teamMember');
}

/**
 * The booking's money in the drawer: the balance due with "Take payment" (staff who may change
 * bookings, on a booking still being paid), and every payment with how it was paid and who
 * recorded it (roles that read payments).
 */
export function BookingPayments({ booking, me, payments, due }: Props) {
  const { t, i18n } = useTranslation(['desk', 'admin']);
  const [taking, setTaking] = useState(false);
  const money = (amount: number) => formatMoney({ amount, currency: booking.pricing.currency }, i18n.language);
  const mayTake = can(me, 'update', 'Booking') && takesDeskPayment(booking) && due > 0;
  const readable = can(me, 'read', 'Payment');
  const link = usePaymentLink(booking.id);
  const mayLink = can(me, 'update', 'Booking') && booking.status === 'pending_payment';
  return (
    <section aria-labelledby="booking-payments-title">
      <Group justify="space-between" align="center" mb="xs" wrap="wrap" gap="xs">
        <Title order={3} size="h4" id="booking-payments-title">
          {t('payments.title')}
        </Title>
        <Text fw={600} data-testid="balance-due" data-due={due}>
          {due > 0 ? t('payments.balance', { amount: money(due) }) : t('payments.paidInFull')}
        </Text>
      </Group>
      {mayTake && (
        <Button size="md" mb="sm" onClick={() => setTaking(true)} data-testid="take-payment">
          {t('payments.take')}
        </Button>
      )}
      {mayLink && !link.data && (
        <Button variant="default" mb="sm" loading={link.isPending} onClick={() => link.mutate()} data-testid="payment-link">
          {t('payments.getLink')}
        </Button>
      )}
      {link.data && (
        <Group gap="xs" mb="sm" align="flex-end" wrap="nowrap">
          <TextInput label={t('payments.link')} description={t('payments.linkHint')} value={link.data} readOnly style={{ flex: 1 }} data-testid="payment-link-url" />
          <CopyButton value={link.data}>
            {({ copied, copy }) => (
              <Button variant="default" onClick={copy}>
                {copied ? t('payments.copied') : t('payments.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
      )}
      {link.data === null && <Text size="sm" c="dimmed" mb="sm">{t('payments.noLink')}</Text>}
      {link.isError && <Alert color="red" mb="sm">{deskErrorText(link.error, t)}</Alert>}
      {readable && payments.isPending && <Skeleton height={48} />}
      {readable && payments.error !== null && payments.error !== undefined && <Alert color="red">{deskErrorText(payments.error, t)}</Alert>}
      {readable && payments.data && payments.data.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="payments-empty">
          {t('payments.empty')}
        </Text>
      )}
      {readable && payments.data && payments.data.length > 0 && (
        <Stack gap={6} component="ul" className={classes.payments} data-testid="payments-list">
          {payments.data.map((payment) => (
            <li key={payment.id} data-testid="payment-row" data-method={payment.method}>
              <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
                <div>
                  <Text size="sm" fw={600}>
                    {t(`method.${payment.method}`)} · {money(payment.amount)}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {dateTimeIn(payment.processed_at ?? payment.created_at, booking.time_zone, i18n.language)}
                    {payment.recorded_by !== null ? ` · ${t('payments.by', { who: recorder(payment, me, t) })}` : ''}
                    {payment.reference ? ` · ${payment.reference}` : ''}
                  </Text>
                </div>
                <Text size="xs" c="dimmed" ta="right">
                  {t(`payments.status.${payment.status}`, { defaultValue: payment.status })}
                  {payment.refunded_amount > 0 ? ` · ${t('payments.refunded', { amount: money(payment.refunded_amount) })}` : ''}
                </Text>
              </Group>
            </li>
          ))}
        </Stack>
      )}
      {taking && <TakePaymentModal booking={booking} due={due} onClose={() => setTaking(false)} />}
    </section>
  );
}
