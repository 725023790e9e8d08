import { Alert, Paper, Skeleton, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../shared/format/format.ts';
import type { Booking } from '../desk/use-desk.ts';
import { StatusBadge } from '../ui/status-badge.tsx';
import { dateTimeIn } from '../ui/time-format.ts';
import { newestFirst } from './customer-facts.ts';
import { customerErrorText } from './customer-errors.ts';
import classes from './customers.module.css';
import type { useCustomerBookings } from './use-customers.ts';

/** The customer's bookings, newest first; each opens in the booking side panel. */
export function HistoryCard({ bookings, onOpen }: { bookings: ReturnType<typeof useCustomerBookings>; onOpen: (booking: Booking) => void }) {
  const { t, i18n } = useTranslation(['customers', 'admin']);
  const items = newestFirst(bookings.data?.items ?? []);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="history-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="history-title">
          {t('history.title')}
        </Title>
        {bookings.isPending && (
          <Stack gap="xs" aria-busy="true">
            <Skeleton height={56} />
            <Skeleton height={56} />
          </Stack>
        )}
        {bookings.isError && <Alert color="red">{customerErrorText(bookings.error, t)}</Alert>}
        {bookings.isSuccess && items.length === 0 && (
          <Text size="sm" c="dimmed" data-testid="history-empty">
            {t('history.empty')}
          </Text>
        )}
        {items.length > 0 && (
          <ul className={classes.history} data-testid="history">
            {items.map((booking) => (
              <li key={booking.id}>
                <UnstyledButton className={classes.historyRow} onClick={() => onOpen(booking)} data-testid="history-row" data-booking-number={booking.booking_number}>
                  <span className={classes.historyMeta}>
                    <Text fw={600} size="sm" component="span">
                      {dateTimeIn(booking.start_time, booking.time_zone, i18n.language)}
                    </Text>
                    <Text size="sm" c="dimmed" component="span" className={classes.ellipsis}>
                      {booking.service.name} · {booking.resource.name} · <span className={classes.mono}>{booking.booking_number}</span>
                    </Text>
                  </span>
                  <span className={classes.historyEnd}>
                    <StatusBadge status={booking.status} />
                    <Text size="sm" component="span" className={classes.mono}>
                      {formatMoney({ amount: booking.pricing.total_price, currency: booking.pricing.currency }, i18n.language)}
                    </Text>
                  </span>
                </UnstyledButton>
              </li>
            ))}
          </ul>
        )}
        {bookings.data && !bookings.data.complete && (
          <Text size="sm" c="dimmed">
            {t('history.truncated', { count: items.length })}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
