import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useBookingPage } from '../../shared/api/use-booking-page.ts';
import { PublicLayout } from '../public-layout.tsx';
import styles from './landing-page.module.css';

/** The demo business every fresh installation has (`npm start` seeds it). */
export const DEMO_SLUG = 'demo';

/** / — what ReserveHub is, the demo business's booking page, and the way into the dashboard. */
export function LandingPage() {
  const { t } = useTranslation('public');
  const demo = useBookingPage(DEMO_SLUG);

  useEffect(() => {
    document.title = `ReserveHub · ${t('landing.documentTitle')}`;
  }, [t]);

  return (
    <PublicLayout>
      <div className={styles.landing}>
        <section className={styles.hero}>
          <p className={styles.brand}>ReserveHub</p>
          <h1 className={styles.title}>{t('landing.title')}</h1>
          <p className={styles.lead}>{t('landing.lead')}</p>
        </section>
        <section className={styles.demo} aria-labelledby="demo-title" data-testid="demo-business">
          <p className={styles.eyebrow}>{t('landing.demoEyebrow')}</p>
          <h2 id="demo-title" className={styles.demoName}>
            {demo.data?.business.name ?? (demo.isPending ? t('landing.demoLoading') : t('landing.demoFallbackName'))}
          </h2>
          <p className={styles.demoText}>
            {demo.data ? t('landing.demoServices', { count: demo.data.services.length }) : t('landing.demoText')}
          </p>
          <div className={styles.actions}>
            <Link className={styles.primary} to={`/book/${DEMO_SLUG}`} data-testid="demo-booking-link">
              {t('landing.book')}
            </Link>
            {/* The dashboard is another entry of the web app: a full page load, not a client-side route. */}
            <a className={styles.secondary} href="/admin/login" data-testid="admin-login-link">
              {t('landing.signIn')}
            </a>
          </div>
        </section>
      </div>
    </PublicLayout>
  );
}
