import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import styles from './links.module.css';

/** An expired, used or forged link: say so plainly and offer a way on. */
export function InvalidLink({ bookingSlug, detail }: { bookingSlug?: string | null; detail?: string }) {
  const { t } = useTranslation('links');
  return (
    <div className={styles.card} data-testid="invalid-link" role="alert">
      <h1 className={styles.title}>{t('invalid.title')}</h1>
      <p>{detail ?? t('invalid.text')}</p>
      {bookingSlug ? (
        <Link className={styles.primaryLink} to={`/book/${encodeURIComponent(bookingSlug)}`}>
          {t('invalid.book')}
        </Link>
      ) : (
        <Link to="/">{t('invalid.home')}</Link>
      )}
    </div>
  );
}
