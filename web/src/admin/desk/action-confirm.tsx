import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiError } from '@reservehub/api-client';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../shared/format/format.ts';
import { adminKeys } from '../admin-keys.ts';
import { errorText } from '../ui/error-text.ts';
import { timeIn } from '../ui/time-format.ts';
import { actionLabelKey } from './desk-actions.ts';
import { useBookingAction, type Booking, type DeskAction } from './use-desk.ts';

/** What a cancellation by the business gives back: everything paid and not yet refunded (the server's rule). */
function refundable(booking: Booking): number {
  const refunded = (booking.payments ?? []).reduce((sum, payment) => sum + payment.refunded_amount, 0);
  return Math.max(0, booking.pricing.deposit_paid - refunded);
}

/** The confirm step of a desk action: what it does, the refund a cancellation gives, then the action. */
export function ActionConfirm({ booking, action, onClose }: { booking: Booking; action: DeskAction; onClose: () => void }) {
  const { t, i18n } = useTranslation('admin');
  const queryClient = useQueryClient();
  const mutation = useBookingAction();
  const [reason, setReason] = useState('');
  const key = actionLabelKey(action);
  const name = [booking.customer.first_name, booking.customer.last_name].filter(Boolean).join(' ');
  const refund = refundable(booking);

  const run = () =>
    mutation.mutate(
      { id: booking.id, action, ...(action === 'cancel' && reason.trim() ? { reason: reason.trim() } : {}) },
      {
        onSuccess: () => {
          notifications.show({ message: t(`actions.done.${key}`), color: 'green' });
          onClose();
        },
        onError: (error) => {
          // The booking changed under us: show what it is now.
          if (error instanceof ApiError && (error.code === 'INVALID_TRANSITION' || error.code === 'NOT_FOUND')) void queryClient.invalidateQueries({ queryKey: adminKeys.bookings });
        },
      },
    );

  // lockScroll off: Mantine's scroll lock writes a <style> element, which the page's CSP refuses.
  return (
    <Modal opened onClose={onClose} title={t(`actions.confirmTitle.${key}`, { name })} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('actions.back') }}>
      <Stack gap="md">
        <Text>{t(`actions.confirmBody.${key}`, { time: timeIn(new Date(), booking.time_zone, i18n.language) })}</Text>
        {action === 'cancel' && (
          <>
            <Text fw={600} data-testid="refund-preview">
              {refund > 0 ? t('actions.refundPreview', { amount: formatMoney({ amount: refund, currency: booking.pricing.currency }, i18n.language) }) : t('actions.noRefund')}
            </Text>
            <Textarea label={t('actions.reason')} value={reason} onChange={(event) => setReason(event.currentTarget.value)} maxLength={1000} autosize minRows={2} />
          </>
        )}
        {mutation.isError && (
          <Alert color="red" role="alert" data-testid="action-error">
            {errorText(mutation.error, t)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('actions.back')}
          </Button>
          <Button color={action === 'cancel' || action === 'mark_no_show' ? 'red.8' : undefined} loading={mutation.isPending} onClick={run} data-testid="confirm-action">
            {t(`actions.${key}`)}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
