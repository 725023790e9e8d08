import { Button, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ModalFooter } from '../ui/modal-footer.tsx';
import { privacyErrorText } from './privacy-errors.ts';
import classes from './privacy.module.css';
import { shortDate } from './request-row.tsx';
import { useCloseRequest, type PrivacyRequest } from './use-privacy.ts';

/** The server keeps at most this many characters of an outcome. */
const MAX_OUTCOME = 1000;

/**
 * Closing an open request: answered (what was done, optional) or refused (why, required: GDPR Art.
 * 12(4) asks for the reasons). The words are the business's own; they stay in the register.
 */
export function CloseRequestModal({ request, verb, zone, onClose }: { request: PrivacyRequest; verb: 'complete' | 'refuse'; zone: string; onClose: () => void }) {
  const { t, i18n } = useTranslation(['privacy', 'admin']);
  const close = useCloseRequest();
  const [outcome, setOutcome] = useState('');
  const [missing, setMissing] = useState(false);
  const refusing = verb === 'refuse';
  // On a phone the form takes the whole screen: nothing hides below a centred box.
  const phone = useMediaQuery('(max-width: 600px)');

  const submit = async () => {
    const words = outcome.trim();
    if (refusing && words === '') {
      setMissing(true);
      return;
    }
    try {
      await close.mutateAsync({ id: request.id, verb, outcome: words });
      notifications.show({ color: 'green', message: t(refusing ? 'closeRequest.refused' : 'closeRequest.completed') });
      onClose();
    } catch {
      // Shown below from the mutation's state.
    }
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={t(refusing ? 'closeRequest.refuseTitle' : 'closeRequest.completeTitle')}
      centered
      fullScreen={phone}
      lockScroll={false}
      closeButtonProps={{ 'aria-label': t('close') }}
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
        className={classes.form}
        data-testid="privacy-close-form"
        data-verb={verb}
      >
        <Stack gap="md">
          <Text size="sm" fw={600}>
            {t('closeRequest.summary', { kind: t(`kind.${request.kind}`), date: shortDate(request.received_at, zone, i18n.language) })}
          </Text>
          <Text size="sm">{t(refusing ? 'closeRequest.refuseIntro' : 'closeRequest.completeIntro')}</Text>
          <Textarea
            label={t(refusing ? 'closeRequest.refuseLabel' : 'closeRequest.completeLabel')}
            placeholder={t(refusing ? 'closeRequest.refusePlaceholder' : 'closeRequest.completePlaceholder')}
            value={outcome}
            onChange={(event) => {
              setOutcome(event.currentTarget.value);
              if (event.currentTarget.value.trim()) setMissing(false);
            }}
            required={refusing}
            withAsterisk={refusing}
            maxLength={MAX_OUTCOME}
            autosize
            minRows={3}
            error={missing ? t('closeRequest.refuseRequired') : undefined}
            data-autofocus
            data-testid="privacy-outcome"
          />
          <ModalFooter problem={close.isError ? privacyErrorText(close.error, t, verb) : null} problemTestId="privacy-close-error" backLabel={t('cancel')} onBack={onClose} gap="xs">
            <Button type="submit" color={refusing ? 'red.8' : undefined} loading={close.isPending} data-testid="privacy-close-confirm">
              {t(refusing ? 'closeRequest.refuseConfirm' : 'closeRequest.completeConfirm')}
            </Button>
          </ModalFooter>
        </Stack>
      </form>
    </Modal>
  );
}
