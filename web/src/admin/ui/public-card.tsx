import { Anchor, Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../shell/language-switch.tsx';
import classes from './public-card.module.css';

/**
 * The frame of the pages reached without a session (sign-in, sign-up, the links the server
 * e-mails): one card in the middle of the screen, the product's name, a title, and the language.
 */
export function PublicCard({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation('admin');
  return (
    <Center className={classes.page}>
      <Paper withBorder radius="md" p="xl" className={classes.card} component="main">
        <Stack gap="lg">
          <Stack gap={4}>
            <Text fw={700} c="dimmed">
              ReserveHub
            </Text>
            <Title order={1} size="h2">
              {title}
            </Title>
          </Stack>
          {children}
          <Stack gap="xs" align="flex-start">
            <LanguageSwitch />
            <Anchor href="/">{t('login.backToSite')}</Anchor>
          </Stack>
        </Stack>
      </Paper>
    </Center>
  );
}
