import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PublicLayout } from '../public-layout.tsx';
import styles from './not-found-page.module.css';

/** Any public path no page answers yet: say so and offer the way back. */
export function NotFoundPage() {
  const { t } = useTranslation('public');
  return (
    <PublicLayout>
      <div className={styles.box} data-testid="not-found">
        <h1 className={styles.title}>{t('notFound.title')}</h1>
        <p>{t('notFound.text')}</p>
        <Link to="/">{t('notFound.home')}</Link>
      </div>
    </PublicLayout>
  );
}
