import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useUnsubscribe } from '../../shared/api/use-links.ts';
import { PublicLayout } from '../public-layout.tsx';
import { InvalidLink } from './invalid-link.tsx';
import { isGone } from './manage-page.tsx';
import styles from './links.module.css';

/** `/unsubscribe?token=…`: a person's click on the link in a marketing message; one button, then the answer. */
export function UnsubscribePage() {
  const [search] = useSearchParams();
  const token = search.get('token') ?? '';
  const { t } = useTranslation('links');
  const unsubscribe = useUnsubscribe(token);
  useEffect(() => {
    document.title = t('unsubscribe.documentTitle');
  }, [t]);

  let body;
  if (token.length < 10 || (unsubscribe.isError && isGone(unsubscribe.error))) body = <InvalidLink />;
  else if (unsubscribe.isSuccess) {
    body = (
      <div className={styles.card} data-testid="unsubscribed" role="status">
        <h1 className={styles.title}>{t('unsubscribe.done')}</h1>
        <p>{t('unsubscribe.doneText')}</p>
      </div>
    );
  } else {
    body = (
      <div className={styles.card} data-testid="unsubscribe">
        <h1 className={styles.title}>{t('unsubscribe.title')}</h1>
        <p>{t('unsubscribe.text')}</p>
        <button type="button" className={styles.primary} disabled={unsubscribe.isPending} onClick={() => unsubscribe.mutate()} data-testid="unsubscribe-button">
          {unsubscribe.isPending ? t('unsubscribe.working') : t('unsubscribe.button')}
        </button>
        {unsubscribe.isError ? (
          <p role="alert" className={styles.errorText}>
            {t('unsubscribe.failed')}
          </p>
        ) : null}
      </div>
    );
  }
  return <PublicLayout>{body}</PublicLayout>;
}
