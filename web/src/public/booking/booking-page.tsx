import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useBookingPage } from '../../shared/api/use-booking-page.ts';
import { ServiceList } from '../../shared/catalog/service-list.tsx';
import { applyAccent } from '../../shared/ui/accent.ts';
import { LoadError, Skeleton } from '../../shared/ui/page-state.tsx';
import { PublicLayout } from '../public-layout.tsx';
import { BusinessHeader } from './business-header.tsx';
import styles from './booking-page.module.css';

/** /book/:slug — the business, then its services. Choosing a day and time comes next. */
export function BookingPage() {
  const { slug = '' } = useParams();
  const { t } = useTranslation('public');
  const page = useBookingPage(slug);
  const business = page.data?.business;

  useEffect(() => {
    applyAccent(business?.accent_color);
    document.title = business ? `${business.name} · ${t('booking.documentTitle')}` : t('booking.documentTitle');
  }, [business, t]);

  return (
    <PublicLayout>
      {page.isPending ? (
        <Skeleton lines={4} testId="booking-page-loading" />
      ) : page.isError ? (
        <LoadError error={page.error} onRetry={() => void page.refetch()}>
          <Link to="/">{t('notFound.home')}</Link>
        </LoadError>
      ) : (
        <div className={styles.page}>
          <BusinessHeader business={page.data.business} />
          <section className={styles.services} aria-labelledby="choose-service">
            <h2 id="choose-service" className={styles.step}>
              {t('booking.chooseService')}
            </h2>
            <ServiceList page={page.data} />
          </section>
        </div>
      )}
    </PublicLayout>
  );
}
