import { Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { clockLabel } from './calendar-time.ts';
import { RESIZE_BUTTON_MINUTES } from './resize.ts';

export interface BookingLengthProps {
  /** Wall-clock minutes of the booking's day (the end as the calendar shows it, a pending change included). */
  start: number;
  end: number;
  disabled: boolean;
  onChange: (delta: number) => void;
}

/**
 * The keyboard's way to change a booking's length (the calendar's bottom-edge drag, in buttons),
 * shown in the booking's panel. The end is announced when it changes.
 */
export function BookingLength({ start, end, disabled, onChange }: BookingLengthProps) {
  const { t, i18n } = useTranslation('calendar');
  return (
    <Stack gap={4} data-testid="booking-length">
      <Text fw={600} id="booking-length-label">
        {t('length.title')}
      </Text>
      <Text size="sm" aria-live="polite" data-testid="booking-length-end">
        {t('length.ends', { time: clockLabel(end, i18n.language), minutes: end - start })}
      </Text>
      <Group gap="xs" role="group" aria-labelledby="booking-length-label">
        <Button variant="default" size="sm" disabled={disabled || end - start <= RESIZE_BUTTON_MINUTES} onClick={() => onChange(-RESIZE_BUTTON_MINUTES)} aria-label={t('length.shorterLabel')} data-testid="booking-length-shorter">
          {t('length.shorter')}
        </Button>
        <Button variant="default" size="sm" disabled={disabled} onClick={() => onChange(RESIZE_BUTTON_MINUTES)} aria-label={t('length.longerLabel')} data-testid="booking-length-longer">
          {t('length.longer')}
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        {t('length.price')}
      </Text>
    </Stack>
  );
}
