import { Alert, Button, Group, Paper, Select, Skeleton, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { BOOKING_STATUSES_SHOWN } from './statuses.ts';
import type { Me } from '../session/use-session.ts';
import { SetupChecklist } from '../setup/setup-checklist.tsx';
import { errorText } from '../ui/error-text.ts';
import { StatusBadge } from '../ui/status-badge.tsx';
import { timeIn, todayIn } from '../ui/time-format.ts';
import { BookingDrawer } from './booking-drawer.tsx';
import { DeskWaitlistTabs, type DeskView } from './desk-waitlist-tabs.tsx';
import { GroupMark } from './group-line.tsx';
import { WaitlistView } from './waitlist-view.tsx';
import classes from './desk-page.module.css';
import { useDayBookings, useLocations, useResources, type Booking, type DeskFilters } from './use-desk.ts';

function BookingRow({ booking, onOpen }: { booking: Booking; onOpen: () => void }) {
  const { t, i18n } = useTranslation('admin');
  const name = [booking.customer.first_name, booking.customer.last_name].filter(Boolean).join(' ');
  return (
    <li>
      <UnstyledButton className={classes.row} onClick={onOpen} data-testid="booking-row" data-booking-number={booking.booking_number}>
        <span className={classes.time}>{timeIn(booking.start_time, booking.time_zone, i18n.language)}</span>
        <span className={classes.who}>
          <Text fw={600} component="span" className={classes.name}>
            {name}
          </Text>
          <Text size="sm" c="dimmed" component="span">
            {booking.service.name} · {booking.resource.name}
            {booking.actual_start_time ? ` · ${t('desk.checkedIn', { time: timeIn(booking.actual_start_time, booking.time_zone, i18n.language) })}` : ''}{' '}
            <GroupMark booking={booking} />
          </Text>
        </span>
        <StatusBadge status={booking.status} testId="row-status" />
      </UnstyledButton>
    </li>
  );
}

/** The front desk: one day's bookings (today by default, in the location's time zone), filtered, each opening as a side panel. */
export function DeskPage({ me }: { me: Me | undefined }) {
  const { t, i18n } = useTranslation('admin');
  const locations = useLocations();
  const resources = useResources();
  const zone = locations.data?.[0]?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [filters, setFilters] = useState<Omit<DeskFilters, 'date'> & { date: string | null }>({ date: null, status: null, resourceId: null });
  const date = filters.date ?? todayIn(zone);
  const bookings = useDayBookings({ ...filters, date });
  // The open booking lives in the address (/admin/bookings?booking=<id>, what a booking notice on a
  // member's device opens): that booking's panel, whatever its day; back closes it.
  const [params, setParams] = useSearchParams();
  const openId = params.get('booking');
  const showBooking = (id: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (id === null) next.delete('booking');
        else next.set('booking', id);
        return next;
      },
      { replace: id === null },
    );
  const sorted = [...(bookings.data ?? [])].sort((a, b) => Date.parse(a.start_time) - Date.parse(b.start_time));
  // The waitlist takes the day's place; the group booking form opens beside the switch.
  const [view, setView] = useState<DeskView>('day');
  const tabs = <DeskWaitlistTabs view={view} onView={setView} zone={zone} />;
  if (view === 'waitlist') return <WaitlistView zone={zone} heading={t('desk.title')} tabs={tabs} />;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          {t('desk.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('desk.zone', { zone })}
        </Text>
      </Group>
      {me && <SetupChecklist me={me} />}
      {tabs}
      <Group gap="sm" align="flex-end" className={classes.filters}>
        <Button variant={date === todayIn(zone) ? 'filled' : 'default'} onClick={() => setFilters((current) => ({ ...current, date: todayIn(zone) }))} data-testid="filter-today">
          {t('desk.today')}
        </Button>
        <DateInput
          label={t('desk.date')}
          value={date}
          onChange={(value) => setFilters((current) => ({ ...current, date: value ?? null }))}
          valueFormat="ddd D MMM YYYY"
          locale={i18n.language}
          className={classes.filter}
          data-testid="filter-date"
        />
        <Select
          label={t('desk.status')}
          placeholder={t('desk.anyStatus')}
          clearable
          value={filters.status}
          onChange={(value) => setFilters((current) => ({ ...current, status: BOOKING_STATUSES_SHOWN.find((status) => status === value) ?? null }))}
          data={BOOKING_STATUSES_SHOWN.map((status) => ({ value: status, label: t(`status.${status}`) }))}
          className={classes.filter}
          data-testid="filter-status"
        />
        <Select
          label={t('desk.staff')}
          placeholder={t('desk.anyone')}
          clearable
          value={filters.resourceId}
          onChange={(value) => setFilters((current) => ({ ...current, resourceId: value }))}
          data={(resources.data ?? []).map((resource) => ({ value: resource.id, label: resource.name }))}
          className={classes.filter}
          data-testid="filter-staff"
        />
      </Group>
      {bookings.isError && <Alert color="red">{errorText(bookings.error, t)}</Alert>}
      {bookings.isPending ? (
        <Stack gap="sm">
          <Skeleton height={64} />
          <Skeleton height={64} />
        </Stack>
      ) : sorted.length === 0 ? (
        <Paper withBorder p="lg" radius="md" data-testid="desk-empty">
          <Text fw={600}>{t('desk.empty')}</Text>
          <Text size="sm" c="dimmed">
            {t('desk.emptyHint')}
          </Text>
        </Paper>
      ) : (
        <section aria-live="polite" aria-label={t('desk.count', { count: sorted.length })}>
          <Text size="sm" c="dimmed" mb="xs">
            {t('desk.count', { count: sorted.length })}
          </Text>
          <ul className={classes.list}>
            {sorted.map((booking) => (
              <BookingRow key={booking.id} booking={booking} onOpen={() => showBooking(booking.id)} />
            ))}
          </ul>
        </section>
      )}
      <BookingDrawer bookingId={openId} me={me} onClose={() => showBooking(null)} />
    </Stack>
  );
}
