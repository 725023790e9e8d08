import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { useClaimOffer } from '../../shared/api/use-links.ts';
import { PublicLayout } from '../public-layout.tsx';
import { InvalidLink } from './invalid-link.tsx';
import { isGone, When } from './manage-page.tsx';
import styles from './links.module.css';

/** `/waitlist/claim/:token`: the slot held for this customer, claimed with one button before it passes on. */
export function WaitlistClaimPage() {
  const { token = '' } = useParams();
  const [search] = useSearchParams();
  const tenant = search.get('business');
  const { t, i18n } = useTranslation('links');
  const claim = useClaimOffer(token, tenant);
  useEffect(() => {
    document.title = t('waitlist.documentTitle');
  }, [t]);

  let body;
  if (claim.isSuccess) {
    const booking = claim.data;
    body = (
      <div className={styles.card} data-testid="waitlist-claimed" role="status">
        <h1 className={styles.title}>{t('waitlist.claimed')}</h1>
        <p>
          {booking.service.name} · <When start={booking.start_time} zone={booking.time_zone} language={i18n.language} />
        </p>
        <p>{t('manage.number', { number: booking.booking_number })}</p>
        {booking.manage_url ? <a href={booking.manage_url}>{t('waitlist.manage')}</a> : null}
      </div>
    );
  } else if (claim.isError && isGone(claim.error)) {
    body = (
      <div data-testid="waitlist-gone">
        <InvalidLink bookingSlug={tenant} detail={t('waitlist.gone')} />
      </div>
    );
  } else {
    body = (
      <div className={styles.card} data-testid="waitlist-offer">
        <h1 className={styles.title}>{t('waitlist.title')}</h1>
        <p>{t('waitlist.text')}</p>
        <button type="button" className={styles.primary} disabled={claim.isPending} onClick={() => claim.mutate()} data-testid="waitlist-claim">
          {claim.isPending ? t('waitlist.claiming') : t('waitlist.claim')}
        </button>
        {claim.isError ? (
          <p role="alert" className={styles.errorText}>
            {t('waitlist.failed')}
          </p>
        ) : null}
        <Link to="/">{t('invalid.home')}</Link>
      </div>
    );
  }
  return <PublicLayout>{body}</PublicLayout>;
}
