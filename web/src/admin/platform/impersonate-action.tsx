import { Button, Group, Modal, Select, Stack, Switch, Text, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { session } from '../session/session.ts';
import { errorText } from '../ui/error-text.ts';
import { useImpersonate } from './use-platform.ts';

const DURATIONS = ['15', '30', '60'];

/**
 * Opens the business's dashboard, as one of its admins, in a new tab for support: the reason is
 * required, read-only unless switched off, for at most an hour, recorded in both audit logs. The
 * console's own session stays in this tab.
 */
export function ImpersonateAction({ tenantId, name }: { tenantId: string; name: string }) {
  const { t } = useTranslation('admin');
  const [opened, { open, close }] = useDisclosure(false);
  const [reason, setReason] = useState('');
  const [readOnly, setReadOnly] = useState(true);
  const [minutes, setMinutes] = useState<string | null>('30');
  const start = useImpersonate();

  const begin = () => {
    // Opened now, while the click still counts as the person's, so no pop-up blocker stops it.
    const tab = window.open('', '_blank');
    start.mutate(
      { tenant_id: tenantId, reason: reason.trim(), read_only: readOnly, duration_minutes: Number(minutes ?? '30') },
      {
        onSuccess: (started) => {
          const url = `/admin/impersonate?handoff=${session.handOff(started)}`;
          if (tab) tab.location.href = url;
          else window.open(url, '_blank');
          close();
          setReason('');
        },
        onError: (error) => {
          tab?.close();
          notifications.show({ color: 'red', message: errorText(error, t) });
        },
      },
    );
  };

  return (
    <>
      <Button size="xs" variant="default" onClick={open} data-testid="impersonate">
        {t('impersonation.open')}
      </Button>
      {/* lockScroll off: Mantine's scroll lock writes a <style> element, which the page's CSP refuses. */}
      <Modal opened={opened} onClose={close} title={t('impersonation.openTitle', { name })} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('platform.cancel') }}>
        <Stack>
          <Text size="sm">{t('impersonation.openExplain')}</Text>
          <Textarea
            label={t('platform.reason')}
            description={t('impersonation.reasonHint')}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            minRows={2}
            autosize
            required
            data-testid="impersonate-reason"
          />
          <Switch label={t('impersonation.readOnlySwitch')} checked={readOnly} onChange={(event) => setReadOnly(event.currentTarget.checked)} data-testid="impersonate-read-only" />
          <Select
            label={t('impersonation.duration')}
            data={DURATIONS.map((value) => ({ value, label: t('impersonation.minutes', { count: Number(value) }) }))}
            value={minutes}
            onChange={setMinutes}
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
            w={200}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('platform.cancel')}
            </Button>
            <Button disabled={reason.trim().length < 10} loading={start.isPending} onClick={begin} data-testid="impersonate-start">
              {t('impersonation.start')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
