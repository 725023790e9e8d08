import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from '../shared/ui/language-switcher.tsx';
import { TestModeBanner } from '../shared/ui/test-mode-banner.tsx';
import styles from './public-layout.module.css';

/** The frame of every public page: language choice on top, content in one readable column. */
export function PublicLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation('shared');
  return (
    <div className={styles.shell}>
      <div className={styles.bar}>
        <TestModeBanner />
        <LanguageSwitcher />
      </div>
      <main className={styles.main}>{children}</main>
      <footer className={styles.footer}>{t('poweredBy')}</footer>
    </div>
  );
}
