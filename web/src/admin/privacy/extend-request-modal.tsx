import { Button, Modal, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ModalFooter } from '../ui/modal-footer.tsx';
import { privacyErrorText } from './privacy-errors.ts';
import classes from './privacy.module.css';
import { shortDate } from './request-row.tsx';
import { useExtendRequest, type PrivacyRequest } from './use-privacy.ts';

/** The server keeps at most this many characters of a reason. */
const MAX_REASON = 1000;

/** The due date `months` calendar months after `instant` (the server's arithmetic, shown before it answers). */
function monthsAfter(instant: string, months: number): string {
  const date = new Date(instant);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.toISOString();
}

/**
 * Extending an open request's deadline (GDPR Art. 12(3)): once, by one or two further months, when the request is
 * complex or one of many. The reason is required: the person has to be told within the first month.
 */
export function ExtendRequestModal({ request, zone, onClose }: { request: PrivacyRequest; zone: string; onClose: () => void }) {
  const { t, i18n } = useTranslation(['privacy', 'admin']);
  const extend = useExtendRequest();
  const [months, setMonths] = useState<'1' | '2'>('2');
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const phone = useMediaQuery('(max-width: 600px)');

  const submit = async () => {
    const words = reason.trim();
    if (words === '') {
      setMissing(true);
      return;
    }
    try {
      await extend.mutateAsync({ id: request.id, months: Number(months), reason: words });
      notifications.show({ color: 'green', message: t('extendRequest.extended') });
      onClose();
    } catch {
      // Shown below from the mutation's state.
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('extendRequest.title')} centered fullScreen={phone} lockScroll={false} closeButtonProps={{ 'aria-label': t('close') }}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
        className={classes.form}
        data-testid="privacy-extend-form"
      >
        <Stack gap="md">
          <Text size="sm" fw={600}>
            {t('closeRequest.summary', { kind: t(`kind.${request.kind}`), date: shortDate(request.received_at, zone, i18n.language) })}
          </Text>
          <Text size="sm">{t('extendRequest.intro')}</Text>
          <div>
            <Text size="sm" fw={500} id="privacy-extend-months">
              {t('extendRequest.monthsLabel')}
            </Text>
            <SegmentedControl
              value={months}
              onChange={(value) => setMonths(value === '1' ? '1' : '2')}
              data={[
                { value: '1', label: t('extendRequest.months', { count: 1 }) },
                { value: '2', label: t('extendRequest.months', { count: 2 }) },
              ]}
              aria-labelledby="privacy-extend-months"
              data-testid="privacy-extend-months"
            />
            <Text size="sm" c="dimmed" mt={4} data-testid="privacy-extend-new-due">
              {t('extendRequest.newDue', { date: shortDate(monthsAfter(request.due_at, Number(months)), zone, i18n.language) })}
            </Text>
          </div>
          <Textarea
            label={t('extendRequest.reasonLabel')}
            placeholder={t('extendRequest.reasonPlaceholder')}
            value={reason}
            onChange={(event) => {
              setReason(event.currentTarget.value);
              if (event.currentTarget.value.trim()) setMissing(false);
            }}
            required
            withAsterisk
            maxLength={MAX_REASON}
            autosize
            minRows={3}
            error={missing ? t('extendRequest.reasonRequired') : undefined}
            data-autofocus
            data-testid="privacy-extend-reason"
          />
          <ModalFooter problem={extend.isError ? privacyErrorText(extend.error, t, 'extend') : null} problemTestId="privacy-extend-error" backLabel={t('cancel')} onBack={onClose} gap="xs">
            <Button type="submit" loading={extend.isPending} data-testid="privacy-extend-confirm">
              {t('extendRequest.confirm')}
            </Button>
          </ModalFooter>
        </Stack>
      </form>
    </Modal>
  );
}
