import { Button, Group, SegmentedControl } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GroupBookingModal } from './group-booking-modal.tsx';
import './waitlist-words.ts';

export type DeskView = 'day' | 'waitlist';

/** The desk's switch between the day's bookings and the waitlist, with the group booking form beside it. */
export function DeskWaitlistTabs({ view, onView, zone }: { view: DeskView; onView: (view: DeskView) => void; zone: string }) {
  const { t } = useTranslation('waitlist');
  const [grouping, setGrouping] = useState(false);
  return (
    <Group justify="space-between" gap="sm">
      <SegmentedControl
        value={view}
        onChange={(value) => onView(value === 'waitlist' ? 'waitlist' : 'day')}
        data={[
          { value: 'day', label: t('views.day') },
          { value: 'waitlist', label: t('views.waitlist') },
        ]}
        aria-label={t('views.label')}
        data-testid="desk-view"
      />
      <Button variant="light" onClick={() => setGrouping(true)} data-testid="group-open">
        {t('group.open')}
      </Button>
      {grouping && <GroupBookingModal zone={zone} onClose={() => setGrouping(false)} />}
    </Group>
  );
}
