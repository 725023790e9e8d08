import { useTranslation } from 'react-i18next';
import type { BookingStatus } from '../desk/use-desk.ts';
import { ToneBadge, type Tone } from './tone-badge.tsx';

const TONES: Record<BookingStatus, Tone> = {
  confirmed: 'positive',
  completed: 'info',
  pending_payment: 'warning',
  rescheduled: 'warning',
  no_show: 'danger',
  cancelled: 'neutral',
  expired: 'neutral',
  draft: 'neutral',
};

/** A booking's status in words, in its colour (the same everywhere: confirmed green, pending amber, cancelled grey, no-show red). */
export function StatusBadge({ status, testId }: { status: BookingStatus; testId?: string }) {
  const { t } = useTranslation('admin');
  return (
    <ToneBadge tone={TONES[status]} {...(testId ? { testId } : {})}>
      {t(`status.${status}`)}
    </ToneBadge>
  );
}
