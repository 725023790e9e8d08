import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { BookingPageService } from '../shared/api/use-booking-page.ts';
import { useBookingPage } from '../shared/api/use-booking-page.ts';
import { ServiceList } from '../shared/catalog/service-list.tsx';
import { applyAccent } from '../shared/ui/accent.ts';
import { LanguageSwitcher } from '../shared/ui/language-switcher.tsx';
import { TestModeBanner } from '../shared/ui/test-mode-banner.tsx';
import { LoadError, Skeleton } from '../shared/ui/page-state.tsx';
import { BookingFlow } from '../public/booking/booking-flow.tsx';
import { openHostChannel } from './host-channel.ts';
import styles from './embed-page.module.css';

/**
 * /embed/:slug[/:serviceId] — the booking flow inside a business's own site (the widget's
 * iframe): compact, none of our page chrome, and its height and bookings told to the host page.
 */
export function EmbedPage() {
  const { slug = '', '*': rest = '' } = useParams();
  const initialServiceId = rest.split('/')[0];
  const { t } = useTranslation('shared');
  const { t: tc } = useTranslation('catalog');
  const page = useBookingPage(slug);
  const [chosen, setChosen] = useState<string | null>(initialServiceId || null);
  const root = useRef<HTMLElement>(null);
  const allowed = page.data?.business.embed_origins;
  const channel = useMemo(() => (allowed ? openHostChannel(window.location.search, allowed) : null), [allowed]);
  const service: BookingPageService | undefined = chosen ? page.data?.services.find((candidate) => candidate.id === chosen) : undefined;

  useEffect(() => applyAccent(page.data?.business.accent_color), [page.data]);

  const businessName = page.data?.business.name ?? null;
  useEffect(() => {
    if (!channel?.connected) return;
    channel.post('ready', { business: slug, name: businessName });
    const element = root.current;
    if (!element) return;
    const observer = new ResizeObserver(() => channel.post('resize', { height: element.getBoundingClientRect().height }));
    observer.observe(element);
    return () => observer.disconnect();
  }, [channel, slug, businessName]);

  useEffect(() => {
    if (!channel?.connected || !channel.inDialog) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) channel.post('close', {});
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [channel]);

  return (
    <main className={styles.widget} ref={root}>
      <TestModeBanner />
      <div className={styles.top}>
        <h1 className={styles.name}>{page.data?.business.name ?? ''}</h1>
        <LanguageSwitcher />
      </div>
      {page.isPending ? (
        <Skeleton lines={3} />
      ) : page.isError ? (
        <LoadError error={page.error} onRetry={() => void page.refetch()} />
      ) : service ? (
        <BookingFlow
          key={service.id}
          slug={slug}
          page={page.data}
          service={service}
          embedded
          onChangeService={() => setChosen(null)}
          onConfirmed={(booking) =>
            channel?.post('booking_confirmed', {
              booking_number: booking.booking_number,
              status: booking.status,
              start_time: booking.start_time,
              service_id: booking.service.id,
              service_name: booking.service.name,
            })
          }
        />
      ) : (
        <section aria-labelledby="choose-service" className={styles.services}>
          <h2 id="choose-service" className={styles.step}>
            {tc('chooseService')}
          </h2>
          <ServiceList page={page.data} onChoose={(picked) => setChosen(picked.id)} />
        </section>
      )}
      <p className={styles.footer}>{t('poweredBy')}</p>
    </main>
  );
}
