import { ActionIcon, Button, Group, SegmentedControl, Select, Text } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useTranslation } from 'react-i18next';
import classes from './calendar.module.css';

function Chevron({ direction }: { direction: 'left' | 'right' }) {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={direction === 'left' ? 'M15 6l-6 6l6 6' : 'M9 6l6 6l-6 6'} />
    </svg>
  );
}

export interface CalendarToolbarProps {
  view: 'day' | 'week';
  dates: readonly string[];
  anchor: string;
  isToday: boolean;
  locations: readonly { id: string; name: string }[];
  locationId: string | null;
  canCreate: boolean;
  /** Blocking time (breaks, meetings) is offered to roles that may change bookings. */
  canBlock: boolean;
  onToday: () => void;
  onShift: (direction: 1 | -1) => void;
  onDate: (date: string) => void;
  onView: (view: 'day' | 'week') => void;
  onLocation: (id: string) => void;
  onNew: () => void;
  onBlock: () => void;
}

/** The calendar's controls: today, previous and next, a date picker, day or week, the location, blocking time, a new booking. */
export function CalendarToolbar(props: CalendarToolbarProps) {
  const { t, i18n } = useTranslation('calendar');
  const first = props.dates[0] ?? props.anchor;
  const last = props.dates.at(-1) ?? props.anchor;
  const utc = (date: string) => new Date(`${date}T00:00:00Z`);
  const formatted =
    props.view === 'day'
      ? new Intl.DateTimeFormat(i18n.language, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(utc(first))
      : new Intl.DateTimeFormat(i18n.language, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).formatRange(utc(first), utc(last));
  // "miércoles, 9 de diciembre de 2026" starts a line: its first letter only is capital.
  const label = formatted.charAt(0).toLocaleUpperCase(i18n.language) + formatted.slice(1);
  const unit = props.view === 'day' ? 'Day' : 'Week';
  return (
    <>
      <Text component="p" className={classes.rangeLabel} data-testid="calendar-range" aria-live="polite" m={0}>
        {label}
      </Text>
      <Group gap="sm" align="flex-end" className={classes.toolbar}>
        <Group gap={4} wrap="nowrap">
          <Button variant={props.isToday ? 'filled' : 'default'} onClick={props.onToday} data-testid="calendar-today">
            {t('today')}
          </Button>
          <ActionIcon variant="default" size={36} onClick={() => props.onShift(-1)} aria-label={t(`previous${unit}`)} data-testid="calendar-prev">
            <Chevron direction="left" />
          </ActionIcon>
          <ActionIcon variant="default" size={36} onClick={() => props.onShift(1)} aria-label={t(`next${unit}`)} data-testid="calendar-next">
            <Chevron direction="right" />
          </ActionIcon>
        </Group>
        <DateInput
          aria-label={t('date')}
          value={props.anchor}
          onChange={(value) => value && props.onDate(value)}
          valueFormat="ddd D MMM YYYY"
          locale={i18n.language}
          className={classes.filter}
          data-testid="calendar-date"
        />
        <SegmentedControl
          value={props.view}
          onChange={(value) => props.onView(value === 'week' ? 'week' : 'day')}
          data={[
            { value: 'day', label: t('day') },
            { value: 'week', label: t('week') },
          ]}
          aria-label={t('view')}
          data-testid="calendar-view"
        />
        {props.locations.length > 1 && (
          <Select
            aria-label={t('location')}
            value={props.locationId}
            onChange={(value) => value && props.onLocation(value)}
            data={props.locations.map((location) => ({ value: location.id, label: location.name }))}
            allowDeselect={false}
            className={classes.filter}
            data-testid="calendar-location"
          />
        )}
        {(props.canCreate || props.canBlock) && (
          <Group gap="sm" ml="auto">
            {props.canBlock && (
              <Button variant="default" onClick={props.onBlock} data-testid="calendar-block-time">
                {t('block.action')}
              </Button>
            )}
            {props.canCreate && (
              <Button onClick={props.onNew} data-testid="calendar-new-booking">
                {t('newBooking')}
              </Button>
            )}
          </Group>
        )}
      </Group>
    </>
  );
}
