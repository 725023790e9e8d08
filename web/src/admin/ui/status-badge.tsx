import { useTranslation } from 'react-i18next';
import type { BookingStatus } from '../desk/use-desk.ts';
import classes from './status-badge.module.css';

/** A booking's status in words, in its colour (the same everywhere: confirmed green, pending amber, cancelled grey, no-show red). */
export function StatusBadge({ status, testId }: { status: BookingStatus; testId?: string }) {
  const { t } = useTranslation('admin');
  return (
    <span className={classes.badge} data-status={status} data-testid={testId}>
      {t(`status.${status}`)}
    </span>
  );
}
