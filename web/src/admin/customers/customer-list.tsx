import { Alert, Button, Paper, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { StatusBadge } from '../ui/status-badge.tsx';
import { dateTimeIn } from '../ui/time-format.ts';
import { bookingNumberOf, customerFigures, customerSearchable, fullName } from './customer-facts.ts';
import { customerErrorText } from './customer-errors.ts';
import classes from './customers.module.css';
import { useBookingNumberMatch, useCustomerBookings, useCustomerList, type Customer } from './use-customers.ts';

/** "3 reservas · última visita 12 mar": from the customer's bookings, loaded per row (cached for the profile). */
function RowFigures({ customerId }: { customerId: string }) {
  const { t, i18n } = useTranslation('customers');
  const bookings = useCustomerBookings(customerId);
  if (bookings.isPending) return <Skeleton height={16} width={110} aria-hidden />;
  if (bookings.isError) return null;
  const figures = customerFigures(bookings.data.items);
  const last = figures.lastVisit ? bookings.data.items.find((booking) => booking.start_time === figures.lastVisit) : undefined;
  const next = figures.nextVisit ? bookings.data.items.find((booking) => booking.start_time === figures.nextVisit) : undefined;
  const day = (booking: { start_time: string; time_zone: string }) =>
    new Intl.DateTimeFormat(i18n.language, { timeZone: booking.time_zone, day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(booking.start_time));
  return (
    <span className={classes.rowFigures} data-testid="customer-row-figures">
      <Text size="sm" fw={600} component="span">
        {bookings.data.complete ? t('list.bookings', { count: figures.bookings }) : t('list.manyBookings', { count: figures.bookings })}
      </Text>
      <Text size="sm" c="dimmed" component="span">
        {last ? t('list.lastVisit', { date: day(last) }) : next ? t('list.nextVisit', { date: day(next) }) : t('list.noVisit')}
      </Text>
    </span>
  );
}

function CustomerRow({ customer }: { customer: Customer }) {
  const contact = [customer.email, customer.phone].filter(Boolean).join(' · ');
  return (
    <li>
      <Link to={`/admin/customers/${customer.id}`} className={classes.row} data-testid="customer-row" data-customer-id={customer.id}>
        <span className={classes.who}>
          <Text fw={600} component="span" className={classes.ellipsis}>
            {fullName(customer)}
          </Text>
          {contact && (
            <Text size="sm" c="dimmed" component="span" className={classes.ellipsis}>
              {contact}
            </Text>
          )}
        </span>
        <RowFigures customerId={customer.id} />
      </Link>
    </li>
  );
}

/** The booking a typed booking number names, and whose it is (found through the bookings list). */
function BookingNumberMatch({ number }: { number: string }) {
  const { t, i18n } = useTranslation(['customers', 'admin']);
  const match = useBookingNumberMatch(number);
  if (match.isPending) return <Skeleton height={64} />;
  if (match.isError) return <Alert color="red">{customerErrorText(match.error, t)}</Alert>;
  if (!match.data) return null;
  const booking = match.data;
  return (
    <section aria-label={t('list.bookingMatch', { number })} data-testid="booking-number-match">
      <p className={classes.matchLabel}>
        {t('list.bookingMatchLine', { number: booking.booking_number, service: booking.service.name, date: dateTimeIn(booking.start_time, booking.time_zone, i18n.language) })}{' '}
        <StatusBadge status={booking.status} />
      </p>
      <ul className={classes.list}>
        <li>
          <Link to={`/admin/customers/${booking.customer.id}`} className={classes.row} data-testid="customer-row" data-customer-id={booking.customer.id}>
            <span className={classes.who}>
              <Text fw={600} component="span" className={classes.ellipsis}>
                {fullName(booking.customer)}
              </Text>
              <Text size="sm" c="dimmed" component="span" className={classes.ellipsis}>
                {[booking.customer.email, booking.customer.phone].filter(Boolean).join(' · ')}
              </Text>
            </span>
            <RowFigures customerId={booking.customer.id} />
          </Link>
        </li>
      </ul>
    </section>
  );
}

/**
 * The customers list: newest first, or a search by name, email, phone (the customers API) or
 * booking number (the bookings list finds the booking, the row is its customer). The typed text
 * lives in the address (`?q=`), so coming back from a profile keeps it.
 */
export function CustomerList() {
  const { t } = useTranslation(['customers', 'admin']);
  const [params, setParams] = useSearchParams();
  const typed = params.get('q') ?? '';
  const [debounced] = useDebouncedValue(typed.trim(), 300);
  const number = bookingNumberOf(debounced);
  const searchable = debounced === '' || customerSearchable(debounced);
  const list = useCustomerList(searchable ? debounced : '');
  const numberMatch = useBookingNumberMatch(number);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const searching = debounced !== '';
  const tooShort = searching && !searchable && number === null;
  const numberPending = number !== null && numberMatch.isPending;
  const nothingFound = searching && !list.isPending && !list.isError && items.length === 0 && !numberMatch.data && !numberPending;

  const setTyped = (value: string) => setParams(value ? { q: value } : {}, { replace: true });

  return (
    <Stack gap="lg" data-testid="customers-page">
      <Stack gap={4}>
        <Title order={1} size="h2">
          {t('title')}
        </Title>
        <Text c="dimmed">{t('list.intro')}</Text>
      </Stack>
      <TextInput
        type="search"
        label={t('list.search')}
        description={t('list.searchHint')}
        value={typed}
        onChange={(event) => setTyped(event.currentTarget.value)}
        className={classes.search}
        autoComplete="off"
        data-testid="customer-search"
      />
      {tooShort && (
        <Text size="sm" c="dimmed" data-testid="customer-search-short">
          {t('list.tooShort')}
        </Text>
      )}
      {number !== null && <BookingNumberMatch number={number} />}
      {!tooShort && (
        <>
          {list.isError && (
            <Alert color="red" role="alert">
              <Stack gap="xs" align="flex-start">
                <Text size="sm">{customerErrorText(list.error, t, 'search')}</Text>
                <Button size="xs" variant="default" onClick={() => void list.refetch()}>
                  {t('retry')}
                </Button>
              </Stack>
            </Alert>
          )}
          {list.isPending ? (
            <Stack gap="sm" aria-busy="true">
              <Skeleton height={64} />
              <Skeleton height={64} />
              <Skeleton height={64} />
            </Stack>
          ) : nothingFound ? (
            <Paper withBorder p="lg" radius="md" data-testid="customers-no-results">
              <Text fw={600}>{number !== null ? t('list.noBooking', { number }) : t('list.noResults', { search: debounced })}</Text>
              <Text size="sm" c="dimmed">
                {t('list.noResultsHint')}
              </Text>
            </Paper>
          ) : !searching && items.length === 0 && !list.isError ? (
            <Paper withBorder p="lg" radius="md" data-testid="customers-empty">
              <Text fw={600}>{t('list.empty')}</Text>
              <Text size="sm" c="dimmed">
                {t('list.emptyHint')}
              </Text>
            </Paper>
          ) : items.length > 0 ? (
            <section aria-label={t('list.results')} aria-live="polite">
              {number !== null && <p className={classes.matchLabel}>{t('list.byName')}</p>}
              <ul className={classes.list} data-testid="customer-results">
                {items.map((customer) => (
                  <CustomerRow key={customer.id} customer={customer} />
                ))}
              </ul>
              {list.hasNextPage && (
                <Button variant="default" mt="md" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="customers-more">
                  {t('list.more')}
                </Button>
              )}
            </section>
          ) : null}
        </>
      )}
    </Stack>
  );
}
