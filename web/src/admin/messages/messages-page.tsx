import { Stack, Tabs, Text, Title } from '@mantine/core';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { Me } from '../session/use-session.ts';
import enWords from './i18n/en.json';
import esWords from './i18n/es.json';
import classes from './messages.module.css';
import { OutboxTab } from './outbox-tab.tsx';
import { SettingsTab } from './settings-tab.tsx';
import { TemplatesTab } from './templates-tab.tsx';

// The screen's words load with its chunk.
i18next.addResourceBundle('en', 'messages', enWords, true, true);
i18next.addResourceBundle('es', 'messages', esWords, true, true);

const TABS = ['templates', 'outbox', 'settings'] as const;
type Tab = (typeof TABS)[number];

/**
 * /admin/settings/messages: what the business tells its customers and when. Three tabs, the
 * open one in the URL (`?tab=`): the message templates with a live preview per channel and
 * language, the outbox of sent or captured messages (resend), and the reminders, channels and
 * booking policies.
 */
export default function MessagesPage({ me }: { me: Me }) {
  const { t } = useTranslation(['messages', 'admin']);
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.find((candidate) => candidate === params.get('tab')) ?? 'templates';

  const choose = (value: string | null) => {
    if (!value || value === tab) return;
    // Each tab keeps only its own parameters.
    setParams({ tab: value });
  };

  return (
    <Stack gap="lg" data-testid="messages-page" className={classes.page}>
      <Stack gap={4}>
        <Title order={1} size="h2">
          {t('title')}
        </Title>
        <Text c="dimmed">{t('intro')}</Text>
      </Stack>
      <Tabs value={tab} onChange={choose} keepMounted={false}>
        <Tabs.List className={classes.tabList}>
          <Tabs.Tab value="templates" data-testid="messages-tab-templates">
            {t('tabs.templates')}
          </Tabs.Tab>
          <Tabs.Tab value="outbox" data-testid="messages-tab-outbox">
            {t('tabs.outbox')}
          </Tabs.Tab>
          <Tabs.Tab value="settings" data-testid="messages-tab-settings">
            {t('tabs.settings')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="templates" pt="lg">
          <TemplatesTab me={me} />
        </Tabs.Panel>
        <Tabs.Panel value="outbox" pt="lg">
          <OutboxTab me={me} />
        </Tabs.Panel>
        <Tabs.Panel value="settings" pt="lg">
          <SettingsTab me={me} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
