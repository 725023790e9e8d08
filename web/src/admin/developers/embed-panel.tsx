import { Alert, Anchor, SegmentedControl, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can, type Me } from '../session/use-session.ts';
import { CopyField } from './dev-ui.tsx';
import classes from './developers.module.css';
import { widgetSnippet, type WidgetLanguage, type WidgetMode } from './integrations.ts';
import { useEmbedOrigins } from './use-developers.ts';

type Mode = WidgetMode;
type Language = WidgetLanguage;

/** The embed snippet for this business with a copy button, and its booking widget live in a frame. */
export function EmbedPanel({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['developers', 'admin']);
  const [mode, setMode] = useState<Mode>('inline');
  const [language, setLanguage] = useState<Language>('auto');
  const slug = me.tenant?.slug ?? '';
  const origins = useEmbedOrigins(can(me, 'read', 'Business'));
  if (!slug) return <Text>{t('embed.noSlug')}</Text>;
  const snippet = widgetSnippet(window.location.origin, slug, mode, language);
  const previewLanguage = language === 'auto' ? (i18n.language.startsWith('en') ? 'en' : 'es') : language;
  const previewUrl = `/embed/${encodeURIComponent(slug)}?lang=${previewLanguage}`;
  // A business that names its sites (embed_origins) gets a frame-ancestors with only those: the dashboard's own frame is refused.
  const sites = origins.data ?? [];
  const framable = sites.length === 0 || sites.includes(window.location.origin);
  return (
    <Stack gap="lg" data-testid="embed-panel">
      <Text size="sm" c="dimmed" className={classes.help}>
        {t('embed.help')}
      </Text>
      <div className={classes.embedOptions}>
        <div>
          <Text size="sm" fw={600} mb={4} id="embed-mode-label">
            {t('embed.mode')}
          </Text>
          <SegmentedControl
            aria-labelledby="embed-mode-label"
            value={mode}
            onChange={(value) => setMode(value as Mode)}
            data={(['inline', 'button'] as const).map((value) => ({ value, label: t(`embed.modes.${value}`) }))}
            data-testid="embed-mode"
          />
        </div>
        <div>
          <Text size="sm" fw={600} mb={4} id="embed-language-label">
            {t('embed.language')}
          </Text>
          <SegmentedControl
            aria-labelledby="embed-language-label"
            value={language}
            onChange={(value) => setLanguage(value as Language)}
            data={(['auto', 'es', 'en'] as const).map((value) => ({ value, label: t(`embed.languages.${value}`) }))}
            data-testid="embed-language"
          />
        </div>
      </div>
      <section aria-labelledby="embed-snippet-title">
        <Title order={2} size="h4" id="embed-snippet-title" mb="xs">
          {t('embed.snippet')}
        </Title>
        <CopyField value={snippet} testId="embed-snippet" label={t('embed.copy')} block />
        <Text size="xs" c="dimmed" mt="xs">
          {t('embed.docs')}
        </Text>
      </section>
      <section aria-labelledby="embed-preview-title">
        <Title order={2} size="h4" id="embed-preview-title">
          {t('embed.preview')}
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          {t('embed.previewHelp')}
        </Text>
        {origins.isPending && origins.fetchStatus !== 'idle' ? (
          <Skeleton h={320} />
        ) : framable ? (
          <iframe key={previewLanguage} className={classes.preview} src={previewUrl} title={t('embed.previewTitle')} loading="lazy" data-testid="embed-preview" />
        ) : (
          <Alert color="blue" data-testid="embed-restricted">
            <Text size="sm">{t('embed.restricted', { sites: sites.join(', ') })}</Text>
            <Anchor href={previewUrl} target="_blank" rel="noopener" size="sm" mt="xs" display="inline-block">
              {t('embed.openAlone')}
            </Anchor>
          </Alert>
        )}
      </section>
    </Stack>
  );
}
