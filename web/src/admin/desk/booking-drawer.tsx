import { Alert, Button, Drawer, Group, Skeleton, Stack, Text, Timeline, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../shared/format/format.ts';
import { can, type Me } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import { StatusBadge } from '../ui/status-badge.tsx';
import { dateTimeIn, timeIn } from '../ui/time-format.ts';
import { ActionConfirm } from './action-confirm.tsx';
import { BookingPayments } from './booking-payments.tsx';
import { actionLabelKey, deskActions } from './desk-actions.ts';
import { BookingGroupLine } from './group-line.tsx';
import { balanceDue, useBookingPayments } from './use-desk-payments.ts';
import { useBooking, type Booking, type DeskAction } from './use-desk.ts';

const TEST_IDS: Partial<Record<DeskAction, string>> = {
  check_in: 'check-in',
  complete: 'mark-completed',
  check_out: 'mark-completed',
  mark_no_show: 'mark-no-show',
  cancel: 'cancel-booking',
};

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="sm" c="dimmed" component="dt">
        {label}
      </Text>
      <Text component="dd" m={0}>
        {children}
      </Text>
    </div>
  );
}

function BookingDetail({ booking, me, children }: { booking: Booking; me: Me | undefined; children?: React.ReactNode }) {
  const { t, i18n } = useTranslation('admin');
  const [pending, setPending] = useState<DeskAction | null>(null);
  const { offered, waitingForStart } = deskActions(booking, me);
  const zone = booking.time_zone;
  const money = (amount: number) => formatMoney({ amount, currency: booking.pricing.currency }, i18n.language);
  const payments = useBookingPayments(booking.id, can(me, 'read', 'Payment'));
  // From the payments when readable: a desk payment shows at once, before its event updates the booking.
  const due = balanceDue(booking, payments.data);
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="center">
        <Text fw={600}>{t('detail.status')}</Text>
        <StatusBadge status={booking.status} testId="booking-status" />
      </Group>
      <Stack gap="sm" component="dl" m={0}>
        <Field label={t('desk.customer')}>{[booking.customer.first_name, booking.customer.last_name].filter(Boolean).join(' ')}</Field>
        {(booking.customer.email || booking.customer.phone) && <Field label={t('detail.contact')}>{[booking.customer.email, booking.customer.phone].filter(Boolean).join(' · ')}</Field>}
        <Field label={t('detail.when')}>
          {dateTimeIn(booking.start_time, zone, i18n.language)}–{timeIn(booking.end_time, zone, i18n.language)} ({t('desk.zone', { zone })})
        </Field>
        <Field label={t('desk.service')}>
          {booking.service.name} · {booking.resource.name}
        </Field>
        <Field label={t('detail.price')}>
          {money(booking.pricing.total_price)} · {t('detail.paid')}: {money(booking.pricing.total_price - due)}
        </Field>
        {booking.notes && <Field label={t('detail.notes')}>{booking.notes}</Field>}
      </Stack>
      <BookingGroupLine booking={booking} />
      <BookingPayments booking={booking} me={me} payments={payments} due={due} />
      {children}
      {(offered.length > 0 || waitingForStart.length > 0) && (
        <Stack gap="xs">
          <Group gap="sm">
            {offered.map((action) => (
              <Button
                key={action}
                size="md"
                variant={action === 'cancel' ? 'default' : 'filled'}
                onClick={() => setPending(action)}
                data-testid={TEST_IDS[action]}
              >
                {t(`actions.${actionLabelKey(action)}`)}
              </Button>
            ))}
          </Group>
          {waitingForStart.length > 0 && (
            <Text size="sm" c="dimmed" data-testid="actions-wait">
              {t('actions.notYet', { time: timeIn(booking.start_time, zone, i18n.language) })}
            </Text>
          )}
        </Stack>
      )}
      <div>
        <Title order={3} size="h4" mb="sm">
          {t('detail.history')}
        </Title>
        <Timeline bulletSize={14} lineWidth={2} data-testid="booking-history">
          {(booking.history ?? []).map((entry, index) => (
            <Timeline.Item key={`${entry.time}-${index}`} title={t(`detail.historyAction.${entry.action}`, { defaultValue: entry.action })}>
              <Text size="sm" c="dimmed">
                {dateTimeIn(entry.time, zone, i18n.language)} · {t(`detail.by.${entry.actor.type}`, { defaultValue: entry.actor.type })}
              </Text>
              {entry.reason && <Text size="sm">{entry.reason}</Text>}
            </Timeline.Item>
          ))}
        </Timeline>
      </div>
      {pending && <ActionConfirm booking={booking} action={pending} onClose={() => setPending(null)} />}
    </Stack>
  );
}

/**
 * A booking as a side panel, so the day's list stays in view: status, details, actions, history.
 * `children` (the calendar's length control) go under the details.
 */
export function BookingDrawer({ bookingId, me, onClose, children }: { bookingId: string | null; me: Me | undefined; onClose: () => void; children?: React.ReactNode }) {
  const { t } = useTranslation('admin');
  const booking = useBooking(bookingId);
  return (
    <Drawer
      opened={bookingId !== null}
      onClose={onClose}
      position="right"
      size="md"
      // Mantine's scroll lock writes a <style> element, which the page's CSP refuses.
      lockScroll={false}
      title={booking.data ? t('detail.title', { number: booking.data.booking_number }) : t('loading')}
      closeButtonProps={{ 'aria-label': t('detail.close') }}
    >
      {booking.isPending && <Skeleton height={200} />}
      {booking.isError && <Alert color="red">{errorText(booking.error, t)}</Alert>}
      {booking.data && (
        <BookingDetail booking={booking.data} me={me}>
          {children}
        </BookingDetail>
      )}
    </Drawer>
  );
}
