import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { timeIn, todayIn } from '../ui/time-format.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import { useGroupSiblings } from './use-waitlist.ts';
import type { Booking } from './use-desk.ts';
import classes from './waitlist.module.css';
import './waitlist-words.ts';

/** The "Group" mark on a desk row whose booking was made together with others. */
export function GroupMark({ booking }: { booking: Booking }) {
  const { t } = useTranslation('waitlist');
  if (booking.group_id === null) return null;
  return <ToneBadge tone="info" testId="group-mark">{t('group.mark')}</ToneBadge>;
}

/** The drawer's "part of a group" line: the other bookings made with this one. */
export function BookingGroupLine({ booking }: { booking: Booking }) {
  const { t, i18n } = useTranslation('waitlist');
  const siblings = useGroupSiblings(booking, todayIn(booking.time_zone, new Date(booking.start_time)));
  if (booking.group_id === null) return null;
  const label = (sibling: Booking) =>
    `${timeIn(sibling.start_time, sibling.time_zone, i18n.language)} ${sibling.service.name} · ${[sibling.customer.first_name, sibling.customer.last_name].filter(Boolean).join(' ')} (${sibling.booking_number})`;
  return (
    <div data-testid="group-line">
      <Text fw={600}>{t('group.partOf')}</Text>
      {siblings.data && siblings.data.length === 0 && <Text size="sm">{t('group.none')}</Text>}
      {siblings.data && siblings.data.length > 0 && (
        <>
          <Text size="sm" c="dimmed">
            {t('group.siblings')}
          </Text>
          <ul className={classes.siblings}>
            {siblings.data.map((sibling) => (
              <li key={sibling.id} data-testid="group-sibling">
                {label(sibling)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
