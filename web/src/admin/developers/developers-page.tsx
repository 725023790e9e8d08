import { Stack, Tabs, Text, Title } from '@mantine/core';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { can, type Me } from '../session/use-session.ts';
import { ApiKeysPanel } from './api-keys-panel.tsx';
import classes from './developers.module.css';
import { EmbedPanel } from './embed-panel.tsx';
import { FeedsPanel } from './feeds-panel.tsx';
import developersEn from './i18n/en.json';
import developersEs from './i18n/es.json';
import { WebhooksPanel } from './webhooks-panel.tsx';

// The screen's words load with its chunk (the sign-in screen does not carry them).
i18next.addResourceBundle('en', 'developers', developersEn, true, true);
i18next.addResourceBundle('es', 'developers', developersEs, true, true);

const TABS = ['webhooks', 'api-keys', 'feeds', 'embed'] as const;
type Tab = (typeof TABS)[number];
const LABELS: Record<Tab, string> = { webhooks: 'tabs.webhooks', 'api-keys': 'tabs.apiKeys', feeds: 'tabs.feeds', embed: 'tabs.embed' };

/** The tabs this person may open: API keys are the owner's (ApiKey), feeds need bookings, the widget is for everyone here. */
export function visibleTabs(me: Me): Tab[] {
  return TABS.filter((tab) => {
    if (tab === 'webhooks') return can(me, 'read', 'WebhookEndpoint');
    if (tab === 'api-keys') return can(me, 'read', 'ApiKey');
    if (tab === 'feeds') return can(me, 'read', 'Booking');
    return true;
  });
}

/**
 * /admin/settings/developers: the business's integrations in tabs (the open one in the address,
 * `?tab=webhooks`): webhook endpoints with their delivery log, replay and secret rotation; API
 * keys (shown once); ICS feed links; the website widget's snippet with a live preview.
 */
export default function DevelopersPage({ me }: { me: Me }) {
  const { t } = useTranslation(['developers', 'admin']);
  const [params, setParams] = useSearchParams();
  const tabs = visibleTabs(me);
  const asked = params.get('tab');
  const active: Tab = tabs.find((tab) => tab === asked) ?? tabs[0] ?? 'embed';
  const choose = (value: string | null) => {
    if (!value) return;
    const next = new URLSearchParams(params);
    next.set('tab', value);
    setParams(next, { replace: true });
  };
  return (
    <Stack gap="lg" className={classes.page} data-testid="developers-page">
      <div>
        <Title order={1} size="h2">
          {t('title')}
        </Title>
        <Text c="dimmed" mt={4}>
          {t('intro')}
        </Text>
      </div>
      <Tabs value={active} onChange={choose} keepMounted={false} classNames={{ list: classes.tabList, tab: classes.tab }}>
        <Tabs.List aria-label={t('tabs.label')}>
          {tabs.map((tab) => (
            <Tabs.Tab key={tab} value={tab} data-testid={`developers-tab-${tab}`}>
              {t(LABELS[tab])}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="webhooks" pt="lg">
          <WebhooksPanel me={me} />
        </Tabs.Panel>
        <Tabs.Panel value="api-keys" pt="lg">
          <ApiKeysPanel me={me} />
        </Tabs.Panel>
        <Tabs.Panel value="feeds" pt="lg">
          <FeedsPanel me={me} />
        </Tabs.Panel>
        <Tabs.Panel value="embed" pt="lg">
          <EmbedPanel me={me} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
