import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import styles from './test-mode-banner.module.css';

/**
 * While the server cannot move real money (sandbox provider, or a Stripe test key) every response carries
 * `X-Payments-Mode: test`; the public pages then say so, so nobody believes a test payment was real.
 */
export function TestModeBanner() {
  const { t } = useTranslation('shared');
  const [testMode, setTestMode] = useState(false);
  useEffect(() => {
    let mounted = true;
    fetch('/health')
      .then((response) => {
        if (mounted) setTestMode(response.headers.get('x-payments-mode') === 'test');
      })
      .catch(() => undefined);
    return () => {
      mounted = false;
    };
  }, []);
  if (!testMode) return null;
  return (
    <p className={styles.banner} role="note" data-testid="test-mode">
      {t('testMode')}
    </p>
  );
}
