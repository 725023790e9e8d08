import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import classes from './developers.module.css';

/** A value with a copy button beside it (a secret, a key, a link, a snippet). */
export function CopyField({ value, testId, label, block = false }: { value: string; testId: string; label?: string; block?: boolean }) {
  const { t } = useTranslation('developers');
  return (
    <div className={classes.copyField}>
      {block ? (
        <pre className={classes.codeBlock} data-testid={testId} tabIndex={0} aria-label={label}>
          {value}
        </pre>
      ) : (
        <Code className={classes.secret} data-testid={testId} aria-label={label}>
          {value}
        </Code>
      )}
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button size="xs" variant="default" onClick={copy} aria-live="polite" data-testid={`${testId}-copy`} className={classes.copyButton}>
            {copied ? t('common.copied') : (label ?? t('common.copy'))}
          </Button>
        )}
      </CopyButton>
    </div>
  );
}

/**
 * A credential the server shows once (a signing secret, an API key, a feed link): the value, a
 * copy button, and a clear warning that it will not be shown again.
 */
export function ShownOnce({ title, value, help, testId, onClose, children }: { title: string; value: string; help: string; testId: string; onClose: () => void; children?: ReactNode }) {
  const { t } = useTranslation('developers');
  // lockScroll off: Mantine's scroll lock writes a <style> element, which the page's CSP refuses.
  return (
    <Modal opened onClose={onClose} title={title} centered size="lg" lockScroll={false} closeOnClickOutside={false} closeButtonProps={{ 'aria-label': t('common.close') }} data-testid={`${testId}-modal`}>
      <Stack gap="md">
        {/* Our own box: Mantine's yellow alert title misses 4.5:1 contrast. */}
        <div className={classes.warning} role="note" data-testid={`${testId}-warning`}>
          <Text fw={700}>{t('common.shownOnce')}</Text>
          <Text size="sm">{t('common.shownOnceHelp')}</Text>
        </div>
        <CopyField value={value} testId={testId} />
        <Text size="sm" c="dimmed">
          {help}
        </Text>
        {children}
        <Group justify="flex-end">
          <Button onClick={onClose} data-testid={`${testId}-done`}>
            {t('common.done')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** "Are you sure?" for what cannot be undone (revoking, deleting, rotating). */
export function Confirm({
  title,
  body,
  confirm,
  pending,
  error,
  onConfirm,
  onClose,
  testId,
  danger = true,
}: {
  title: string;
  body: string;
  confirm: string;
  pending: boolean;
  error: string | null;
  onConfirm: () => void;
  onClose: () => void;
  testId: string;
  danger?: boolean;
}) {
  const { t } = useTranslation('developers');
  return (
    <Modal opened onClose={onClose} title={title} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack gap="md">
        <Text>{body}</Text>
        {error && (
          <Alert color="red" role="alert" data-testid={`${testId}-error`}>
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color={danger ? 'red' : undefined} loading={pending} onClick={onConfirm} data-testid={`${testId}-confirm`}>
            {confirm}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A list that could not load: what happened and a way to try again. */
export function LoadFailed({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useTranslation('developers');
  return (
    <Alert color="red" title={t('common.loadFailed')}>
      <Text size="sm">{message}</Text>
      <Button mt="sm" size="xs" variant="default" onClick={onRetry}>
        {t('common.retry')}
      </Button>
    </Alert>
  );
}

/** What to do when a list is empty. */
export function Empty({ title, hint, action, testId }: { title: string; hint: string; action?: ReactNode; testId: string }) {
  return (
    <div className={classes.empty} data-testid={testId}>
      <Text fw={600}>{title}</Text>
      <Text size="sm" c="dimmed">
        {hint}
      </Text>
      {action}
    </div>
  );
}
