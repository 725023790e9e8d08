import { Alert, Button, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PublicCard } from '../ui/public-card.tsx';

/**
 * What the dashboard shows when it opened (from the service worker's cached shell) but cannot reach
 * the server: it says so in words and offers to try again, and tries by itself when the browser says
 * it is back online. It never shows bookings it cannot fetch now — nothing from the API is kept.
 */
export function OfflineNotice({ onRetry }: { onRetry: () => Promise<unknown> }) {
  const { t } = useTranslation('admin');
  const [retrying, setRetrying] = useState(false);

  useEffect(() => {
    const retry = () => void onRetry();
    window.addEventListener('online', retry);
    return () => window.removeEventListener('online', retry);
  }, [onRetry]);

  const retryNow = () => {
    setRetrying(true);
    void onRetry().finally(() => setRetrying(false));
  };

  return (
    <PublicCard title={t('offline.title')}>
      <Alert color="yellow" role="status" data-testid="offline-notice">
        {t('offline.body')}
      </Alert>
      <Text size="sm" c="dimmed">
        {t('offline.noStaleData')}
      </Text>
      <Button size="md" onClick={retryNow} loading={retrying} data-testid="offline-retry">
        {t('offline.retry')}
      </Button>
    </PublicCard>
  );
}
