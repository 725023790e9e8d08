import { Alert, CloseButton, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import i18next from 'i18next';
import { useEffect, useMemo, useState } from 'react';
import { useCalendarAddress } from './calendar-address.ts';
import { useTranslation } from 'react-i18next';
import { BookingDrawer } from '../desk/booking-drawer.tsx';
import { useLocations, useResources, type Booking } from '../desk/use-desk.ts';
import { can, type Me } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import { todayIn } from '../ui/time-format.ts';
import { customerName } from './booking-card.tsx';
import { BlockDetailModal, BlockTimeModal, type BlockSelection } from './block-time-modal.tsx';
import { BookingLength } from './booking-length.tsx';
import { calendarErrorText } from './calendar-errors.ts';
import { CalendarGrid, type GridResource } from './calendar-grid.tsx';
import { bookingRanges, columnKey, placeBookings, type Column, type Placement } from './calendar-layout.ts';
import { addDays, clockLabel, instantOf, isoWithOffset, SNAP_MINUTES, visibleDates, zonedMinute } from './calendar-time.ts';
import { CalendarToolbar } from './calendar-toolbar.tsx';
import classes from './calendar.module.css';
import calendarEn from './i18n/en.json';
import calendarEs from './i18n/es.json';
import { NewBookingModal, type NewBookingSlot } from './new-booking-modal.tsx';
import { resizedEnd } from './resize.ts';
import { placeBlocks } from './time-block-layout.ts';
import { useTimeBlocks, type TimeBlock } from './use-time-blocks.ts';
import { useCalendarBookings, useCategories, useClosures, useExceptions, useMoveBooking, useResizeBooking, useSchedules, useServices } from './use-calendar.ts';
import { columnHours, gridBounds } from './working-hours.ts';

// The calendar's words load with its chunk (the sign-in screen does not carry them).
i18next.addResourceBundle('en', 'calendar', calendarEn, true, true);
i18next.addResourceBundle('es', 'calendar', calendarEs, true, true);

const TYPE_ORDER: Record<string, number> = { staff: 0, room: 1, equipment: 2 };
const MOVABLE = new Set(['confirmed', 'pending_payment']);

/** The wall clock now, every 30 seconds (the current-time line). */
function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.closest('[role="dialog"], [role="listbox"]') !== null;
}

type MoveMessage = { tone: 'done' | 'refused'; text: string };

/**
 * The resource calendar (day and week, one column per staff member, room or equipment) in the
 * location's time zone. A staff member sees only the columns linked to their account (the server
 * scopes their bookings the same way); moving and booking are offered only to roles that may.
 */
export default function CalendarPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['calendar', 'admin']);
  const now = useNow();
  const locations = useLocations();
  const resources = useResources();
  const services = useServices();
  const categories = useCategories();
  const schedules = useSchedules();
  const [address, go] = useCalendarAddress();
  const { locationId, view, date: picked, bookingId: openId } = address;
  const setPicked = (date: string | null) => go({ date });
  const setOpenId = (bookingId: string | null) => go({ bookingId });
  const [slot, setSlot] = useState<NewBookingSlot | null>(null);
  const [blocking, setBlocking] = useState<BlockSelection | null>(null);
  const [openBlock, setOpenBlock] = useState<TimeBlock | null>(null);
  const [overrides, setOverrides] = useState<ReadonlyMap<string, Placement>>(new Map());
  const [message, setMessage] = useState<MoveMessage | null>(null);
  const move = useMoveBooking();
  const resize = useResizeBooking();

  const activeLocations = (locations.data ?? []).filter((location) => location.status === 'active');
  const location = activeLocations.find((candidate) => candidate.id === locationId) ?? activeLocations[0] ?? null;
  const zone = location?.timezone ?? 'UTC';
  const today = todayIn(zone, now);
  const anchor = picked ?? today;
  const dates = visibleDates(anchor, view);
  const from = dates[0] ?? anchor;
  const to = dates.at(-1) ?? anchor;
  const ownOnly = me.role === 'staff';
  const mayMove = can(me, 'update', 'Booking');
  const mayCreate = can(me, 'create', 'Booking');

  const bookings = useCalendarBookings(location ? { locationId: location.id, from, to } : null);
  const exceptions = useExceptions(from, to);
  const closures = useClosures(location?.id ?? null, from, to);
  const blocks = useTimeBlocks(from, to, zone, location !== null);

  const shown = useMemo(
    () =>
      (resources.data ?? [])
        .filter((resource) => resource.location_id === location?.id && resource.status === 'active')
        .filter((resource) => !ownOnly || (me.user !== null && resource.user_id === me.user.id))
        .sort((a, b) => (TYPE_ORDER[a.type] ?? 3) - (TYPE_ORDER[b.type] ?? 3) || a.name.localeCompare(b.name, i18n.language)),
    [resources.data, location?.id, ownOnly, me.user, i18n.language],
  );
  const resourceMap = useMemo(() => new Map<string, GridResource>(shown.map((resource) => [resource.id, resource])), [shown]);
  const columns: Column[] = dates.flatMap((date) => shown.map((resource) => ({ key: columnKey(resource.id, date), resourceId: resource.id, date })));
  const hours = new Map(
    columns.map((column) => [
      column.key,
      columnHours(column.resourceId, column.date, { schedules: schedules.data ?? [], exceptions: exceptions.data ?? [], closures: closures.data ?? [] }),
    ]),
  );
  const placed = placeBookings(
    (bookings.data ?? []).filter((booking) => booking.location_id === location?.id),
    zone,
    overrides,
    new Set(columns.map((column) => column.key)),
  );
  const bounds = gridBounds([...hours.values()], bookingRanges(placed));
  const placedBlocks = placeBlocks(blocks.data ?? [], zone, new Set(columns.map((column) => column.key)));

  const colorOf = useMemo(() => {
    const categoryColor = new Map((categories.data ?? []).map((category) => [category.id, category.color]));
    const serviceColor = new Map((services.data ?? []).map((service) => [service.id, service.category_id ? (categoryColor.get(service.category_id) ?? null) : null]));
    return (booking: Booking) => serviceColor.get(booking.service.id) ?? null;
  }, [categories.data, services.data]);
  const canMove = (booking: Booking) => mayMove && MOVABLE.has(booking.status) && !overrides.has(booking.id);

  const shift = (direction: 1 | -1) => {
    setMessage(null);
    go((current) => ({ date: addDays(current.date ?? today, direction * (current.view === 'day' ? 1 : 7)) }));
  };
  const nowMinute = zonedMinute(now, zone).minute;
  const firstWork = Math.min(...[...hours.values()].flatMap((column) => column.ranges.map((range) => range.start)), bounds.end);
  const focusMinute = dates.includes(today) ? Math.min(nowMinute, bounds.end) : firstWork;
  const firstSlot = (): NewBookingSlot | null => {
    const first = shown[0];
    if (!first) return null;
    const date = dates.includes(today) ? today : anchor;
    const nowAt = zonedMinute(now, zone).minute;
    const minute = date === today ? Math.ceil(nowAt / SNAP_MINUTES) * SNAP_MINUTES : (hours.get(columnKey(first.id, date))?.ranges[0]?.start ?? bounds.start);
    return { resourceId: first.id, date, minute: Math.min(bounds.end - SNAP_MINUTES, Math.max(bounds.start, minute)) };
  };
  const openNew = () => {
    const next = firstSlot();
    if (next) setSlot(next);
  };
  // The toolbar's "Block time": the next hour of the first column, to adjust in the form.
  const openBlocking = () => {
    const next = firstSlot();
    if (next) setBlocking({ resourceId: next.resourceId, date: next.date, start: next.minute, end: Math.min(bounds.end, next.minute + 60) });
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey || typingIn(event.target) || slot !== null || openId !== null || blocking !== null || openBlock !== null) return;
      const inGrid = event.target instanceof HTMLElement && event.target.closest('[data-testid="calendar-grid"]') !== null;
      const key = event.key.toLowerCase();
      if (key === 't') {
        setMessage(null);
        setPicked(null);
      }
      else if (key === 'n' || (key === 'arrowright' && !inGrid)) shift(1);
      else if (key === 'p' || (key === 'arrowleft' && !inGrid)) shift(-1);
      else if (key === 'b' && mayCreate) openNew();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const onMove = (booking: Booking, target: Placement) => {
    setMessage(null);
    setOverrides((current) => new Map(current).set(booking.id, target));
    const resourceName = resourceMap.get(target.resourceId)?.name ?? '';
    move.mutate(
      { id: booking.id, start: isoWithOffset(instantOf(target.date, target.minute, zone), zone), resourceId: target.resourceId },
      {
        onSuccess: () => setMessage({ tone: 'done', text: t('moved', { customer: customerName(booking), time: clockLabel(target.minute, i18n.language), resource: resourceName }) }),
        onError: (error) => setMessage({ tone: 'refused', text: t('refused', { reason: calendarErrorText(error, t) }) }),
        // Back to the server's word: the new place when it agreed (already refetched), the old one when it refused.
        onSettled: () =>
          setOverrides((current) => {
            const next = new Map(current);
            next.delete(booking.id);
            return next;
          }),
      },
    );
  };

  // Optimistic like a move: the card shows the new end until the server answers; a refusal puts it back and says why.
  const onResize = (booking: Booking, end: number) => {
    setMessage(null);
    const startAt = zonedMinute(booking.start_time, zone);
    setOverrides((current) => new Map(current).set(booking.id, { resourceId: booking.resource.id, date: startAt.date, minute: startAt.minute, end }));
    resize.mutate(
      { id: booking.id, end: isoWithOffset(instantOf(startAt.date, end, zone), zone) },
      {
        onSuccess: () => setMessage({ tone: 'done', text: t('resized', { customer: customerName(booking), time: clockLabel(end, i18n.language), minutes: end - startAt.minute }) }),
        onError: (error) => setMessage({ tone: 'refused', text: t('resizeRefused', { reason: calendarErrorText(error, t, 'resizeErrors') }) }),
        onSettled: () =>
          setOverrides((current) => {
            const next = new Map(current);
            next.delete(booking.id);
            return next;
          }),
      },
    );
  };
  const opened = (bookings.data ?? []).find((booking) => booking.id === openId) ?? null;
  const openedRange = opened ? { start: zonedMinute(opened.start_time, zone).minute, end: overrides.get(opened.id)?.end ?? zonedMinute(opened.end_time, zone).minute } : null;

  const loading = locations.isPending || resources.isPending || (location !== null && bookings.isPending);
  const failure = locations.error ?? resources.error ?? bookings.error;
  return (
    <Stack gap="md" data-testid="calendar-page">
      <Group justify="space-between" align="baseline" wrap="wrap" gap="xs">
        <Title order={1} size="h2">
          {t('title')}
        </Title>
        <Text size="sm" c="dimmed" data-testid="calendar-zone">
          {t('zone', { zone })}
        </Text>
      </Group>
      <CalendarToolbar
        view={view}
        dates={dates}
        anchor={anchor}
        isToday={dates.includes(today)}
        locations={activeLocations}
        locationId={location?.id ?? null}
        canCreate={mayCreate && shown.length > 0}
        canBlock={mayMove && shown.length > 0}
        onToday={() => {
          setMessage(null);
          setPicked(null);
        }}
        onShift={shift}
        onDate={(value) => {
          setMessage(null);
          setPicked(value);
        }}
        onView={(value) => {
          setMessage(null);
          go({ view: value });
        }}
        onLocation={(value) => go({ locationId: value })}
        onNew={openNew}
        onBlock={openBlocking}
      />
      {failure && <Alert color="red">{errorText(failure, t)}</Alert>}
      {message && (
        <Alert color={message.tone === 'done' ? 'green' : 'red'} role={message.tone === 'refused' ? 'alert' : 'status'} data-testid={message.tone === 'done' ? 'calendar-move-done' : 'calendar-move-error'} withCloseButton={false}>
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Text size="sm">{message.text}</Text>
            <CloseButton size="sm" onClick={() => setMessage(null)} aria-label={t('dismiss')} />
          </Group>
        </Alert>
      )}
      {loading ? (
        <Skeleton height={480} radius="md" />
      ) : !location ? (
        <Paper withBorder p="lg" radius="md" data-testid="calendar-empty">
          <Text fw={600}>{t('noLocation')}</Text>
          <Text size="sm" c="dimmed">{t('noLocationHint')}</Text>
        </Paper>
      ) : shown.length === 0 ? (
        <Paper withBorder p="lg" radius="md" data-testid="calendar-empty">
          <Text fw={600}>{t(ownOnly ? 'ownNoColumn' : 'noColumns')}</Text>
          <Text size="sm" c="dimmed">{t(ownOnly ? 'ownNoColumnHint' : 'noColumnsHint')}</Text>
        </Paper>
      ) : (
        <>
          <CalendarGrid
            view={view}
            columns={columns}
            resources={resourceMap}
            hours={hours}
            bounds={bounds}
            placed={placed}
            today={today}
            nowMinute={nowMinute}
            focusMinute={focusMinute}
            colorOf={colorOf}
            canMove={canMove}
            pendingIds={new Set(overrides.keys())}
            onMove={onMove}
            onResize={onResize}
            onEmptyClick={mayCreate ? (column, minute) => setSlot({ resourceId: column.resourceId, date: column.date, minute }) : null}
            onOpen={(booking) => setOpenId(booking.id)}
            blocks={placedBlocks}
            onSelectRange={mayMove ? (column, start, end) => setBlocking({ resourceId: column.resourceId, date: column.date, start, end }) : null}
            onBlockOpen={setOpenBlock}
          />
          <Text className={classes.hints} data-testid="calendar-hint">
            {mayMove || mayCreate ? t('hint') : t('hintReadOnly')} {mayMove ? `${t('block.hint')} ` : ''}{t('refreshing')} <span className={classes.shortcuts}>{t('shortcuts')}</span>
          </Text>
        </>
      )}
      {blocking && <BlockTimeModal selection={blocking} resources={shown} zone={zone} bounds={bounds} onClose={() => setBlocking(null)} />}
      {openBlock && <BlockDetailModal block={openBlock} zone={zone} canRemove={mayMove} onClose={() => setOpenBlock(null)} />}
      {slot && <NewBookingModal slot={slot} resources={shown} services={services.data ?? []} zone={zone} bounds={bounds} onClose={() => setSlot(null)} />}
      <BookingDrawer bookingId={openId} me={me} onClose={() => setOpenId(null)}>
        {opened && openedRange && mayMove && MOVABLE.has(opened.status) && (
          <BookingLength
            start={openedRange.start}
            end={openedRange.end}
            disabled={overrides.has(opened.id)}
            onChange={(delta) => onResize(opened, resizedEnd(openedRange.start, openedRange.end + delta))}
          />
        )}
      </BookingDrawer>
    </Stack>
  );
}
