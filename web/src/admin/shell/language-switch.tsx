import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES } from '../../shared/i18n/i18n.ts';

/** Español / English, remembered for the next visit. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation('admin');
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('language')}
      value={i18n.language}
      onChange={(value) => void changeLanguage(LANGUAGES.find((language) => language === value) ?? 'es')}
      data={[
        { value: 'es', label: 'Español' },
        { value: 'en', label: 'English' },
      ]}
      data-testid="language-switch"
    />
  );
}
