import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { useBookingPage } from '../../shared/api/use-booking-page.ts';
import { ServiceList } from '../../shared/catalog/service-list.tsx';
import { applyAccent } from '../../shared/ui/accent.ts';
import { LoadError, Skeleton } from '../../shared/ui/page-state.tsx';
import { PublicLayout } from '../public-layout.tsx';
import { useBookingFlowAccount } from './account-details.tsx';
import { AccountEntry } from './account-entry.tsx';
import { BookingFlow } from './booking-flow.tsx';
import { BusinessHeader } from './business-header.tsx';
import styles from './booking-page.module.css';

/**
 * /book/:slug — the business, then its services; /book/:slug/:serviceId — that service's
 * day, time, details and confirmation (a deep link a business can share).
 */
export function BookingPage() {
  const { slug = '', serviceId } = useParams();
  const { t } = useTranslation('public');
  const { t: tb } = useTranslation('booking');
  const navigate = useNavigate();
  const page = useBookingPage(slug);
  const account = useBookingFlowAccount(slug);
  const business = page.data?.business;
  const service = serviceId ? page.data?.services.find((candidate) => candidate.id === serviceId) : undefined;
  const toServices = () => void navigate(`/book/${encodeURIComponent(slug)}`);

  useEffect(() => {
    applyAccent(business?.accent_color);
    document.title = business ? `${business.name} · ${t('booking.documentTitle')}` : t('booking.documentTitle');
  }, [business, t]);

  return (
    <PublicLayout bar={page.isSuccess ? <AccountEntry slug={slug} /> : null}>
      {page.isPending ? (
        <Skeleton lines={4} testId="booking-page-loading" />
      ) : page.isError ? (
        <LoadError error={page.error} onRetry={() => void page.refetch()}>
          <Link to="/">{t('notFound.home')}</Link>
        </LoadError>
      ) : (
        <div className={styles.page}>
          <BusinessHeader business={page.data.business} locations={page.data.locations} />
          {service ? (
            <BookingFlow key={service.id} slug={slug} page={page.data} service={service} onChangeService={toServices} account={account} />
          ) : (
            <section className={styles.services} aria-labelledby="choose-service">
              {serviceId ? (
                <p role="alert" data-testid="service-not-found">
                  {tb('serviceNotFound')}
                </p>
              ) : null}
              <h2 id="choose-service" className={styles.step}>
                {t('booking.chooseService')}
              </h2>
              <ServiceList page={page.data} onChoose={(chosen) => void navigate(`/book/${encodeURIComponent(slug)}/${chosen.id}`)} />
            </section>
          )}
        </div>
      )}
    </PublicLayout>
  );
}
