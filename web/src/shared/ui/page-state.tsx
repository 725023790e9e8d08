import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@reservehub/api-client';
import styles from './page-state.module.css';

/** Placeholder blocks with the shape of what is loading, so nothing jumps when it arrives. */
export function Skeleton({ lines = 3, testId }: { lines?: number; testId?: string }) {
  const { t } = useTranslation('shared');
  return (
    <div className={styles.skeleton} aria-busy="true" data-testid={testId}>
      <span className="visually-hidden" role="status">
        {t('loading')}
      </span>
      {Array.from({ length: lines }, (_, index) => (
        <div key={index} className={styles.block} />
      ))}
    </div>
  );
}

/** The platform's own words about a maintenance (`details.notice`), when it wrote any. */
function maintenanceNotice(error: unknown): string | null {
  if (!(error instanceof ApiError) || typeof error.details !== 'object' || error.details === null) return null;
  const notice = (error.details as { notice?: unknown }).notice;
  return typeof notice === 'string' && notice.trim() !== '' ? notice : null;
}

/** What to say, and what to do next, when a page's data could not be loaded (`children`: another way on). */
export function LoadError({ error, onRetry, children }: { error: unknown; onRetry?: () => void; children?: ReactNode }) {
  const { t } = useTranslation('shared');
  const code = error instanceof ApiError ? error.code : 'NETWORK_ERROR';
  const message =
    code === 'TENANT_NOT_FOUND' || code === 'NOT_FOUND'
      ? t('error.notFound')
      : code === 'MAINTENANCE'
        ? t('error.maintenance')
        : code === 'TENANT_SUSPENDED'
          ? t('error.unavailable')
          : t('error.network');
  const notice = code === 'MAINTENANCE' ? maintenanceNotice(error) : null;
  const retryable = !(error instanceof ApiError) || error.status === 0 || error.status >= 500;
  return (
    <div className={styles.error} role="alert" data-testid="load-error" data-code={code}>
      <h2 className={styles.errorTitle}>{code === 'MAINTENANCE' ? t('error.maintenanceTitle') : t('error.title')}</h2>
      <p>{message}</p>
      {notice ? (
        <p className={styles.notice} data-testid="maintenance-notice">
          {notice}
        </p>
      ) : null}
      {retryable && onRetry ? (
        <button type="button" className={styles.retry} onClick={onRetry}>
          {t('error.retry')}
        </button>
      ) : null}
      {children}
    </div>
  );
}
