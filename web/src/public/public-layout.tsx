import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from '../shared/ui/language-switcher.tsx';
import { TestModeBanner } from '../shared/ui/test-mode-banner.tsx';
import styles from './public-layout.module.css';

/** The frame of every public page: language choice on top, content in one readable column. */
export function PublicLayout({ children, bar }: { children: ReactNode; /** Beside the language choice (the booking page's account link). */ bar?: ReactNode }) {
  const { t } = useTranslation('shared');
  return (
    <div className={styles.shell}>
      <div className={styles.bar}>
        <TestModeBanner />
        {bar}
        <LanguageSwitcher />
      </div>
      <main className={styles.main}>{children}</main>
      <footer className={styles.footer}>{t('poweredBy')}</footer>
    </div>
  );
}
