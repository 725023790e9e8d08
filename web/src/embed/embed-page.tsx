import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useBookingPage } from '../shared/api/use-booking-page.ts';
import { ServiceList } from '../shared/catalog/service-list.tsx';
import { applyAccent } from '../shared/ui/accent.ts';
import { LanguageSwitcher } from '../shared/ui/language-switcher.tsx';
import { TestModeBanner } from '../shared/ui/test-mode-banner.tsx';
import { LoadError, Skeleton } from '../shared/ui/page-state.tsx';
import styles from './embed-page.module.css';

/** /embed/:slug — the widget inside a business's own site: compact, no page chrome of ours. */
export function EmbedPage() {
  const { slug = '' } = useParams();
  const { t } = useTranslation('shared');
  const page = useBookingPage(slug);

  useEffect(() => applyAccent(page.data?.business.accent_color), [page.data]);

  return (
    <main className={styles.widget}>
      <TestModeBanner />
      <div className={styles.top}>
        <h1 className={styles.name}>{page.data?.business.name ?? ''}</h1>
        <LanguageSwitcher />
      </div>
      {page.isPending ? (
        <Skeleton lines={3} />
      ) : page.isError ? (
        <LoadError error={page.error} onRetry={() => void page.refetch()} />
      ) : (
        <ServiceList page={page.data} />
      )}
      <p className={styles.footer}>{t('poweredBy')}</p>
    </main>
  );
}
