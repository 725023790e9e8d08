import { Button, Group, Modal, NumberInput, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import i18next from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../reports/format.ts';
import { adminApi } from '../session/session.ts';
import { errorText } from '../ui/error-text.ts';
import billingEn from './i18n/billing-en.json';
import billingEs from './i18n/billing-es.json';

i18next.addResourceBundle('en', 'platformBilling', billingEn, true, true);
i18next.addResourceBundle('es', 'platformBilling', billingEs, true, true);

/** The fields of a listed invoice the refund needs. */
export interface RefundableInvoice {
  id: string;
  number: string;
  currency: string;
  total: number;
  amount_refunded: number;
}

/**
 * Refunds a paid invoice with a credit note: the amount (the remainder unless changed) and a reason,
 * then a confirmation naming both, since the money leaves at once and the credit note cannot be withdrawn.
 */
export function RefundDialog({ tenantId, invoice, onClose, onRefunded }: { tenantId: string; invoice: RefundableInvoice; onClose: () => void; onRefunded: () => void }) {
  const { t, i18n } = useTranslation('platformBilling');
  const { t: adminT } = useTranslation('admin');
  const left = invoice.total - invoice.amount_refunded;
  const [amount, setAmount] = useState<number | string>(left / 100);
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const money = (minor: number) => formatMoney(i18n.language, minor, invoice.currency);
  const minor = Math.round(Number(amount) * 100);
  const amountValid = Number.isFinite(minor) && minor >= 1 && minor <= left;
  const reasonValid = reason.trim().length >= 10 && reason.trim().length <= 500;
  const refund = useMutation({
    mutationFn: () =>
      adminApi.post('/api/v1/platform/tenants/{id}/billing/invoices/{invoiceId}/refund', {
        params: { path: { id: tenantId, invoiceId: invoice.id } },
        body: { amount: minor, reason: reason.trim() },
      }),
  });
  const submit = () =>
    void refund.mutateAsync().then(
      (result) => {
        notifications.show({ color: 'green', message: t('refunded', { number: result.credit_note.number }) });
        onRefunded();
        onClose();
      },
      (error: unknown) => {
        setConfirming(false);
        notifications.show({ color: 'red', message: errorText(error, adminT) });
      },
    );
  return (
    <Modal opened onClose={onClose} title={t('refundTitle', { number: invoice.number })} data-testid="platform-refund-dialog">
      {confirming ? (
        <Stack gap="sm">
          <Text size="sm" data-testid="platform-refund-confirm-text">
            {t('confirm', { amount: money(minor), number: invoice.number })}
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('back')}
            </Button>
            <Button color="red" loading={refund.isPending} onClick={submit} data-testid="platform-refund-confirm">
              {t('confirmButton')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (amountValid && reasonValid) setConfirming(true);
          }}
        >
          <Stack gap="sm">
            <Text size="sm">{t('refundIntro', { total: money(invoice.total), left: money(left) })}</Text>
            <NumberInput
              label={t('amount', { currency: invoice.currency })}
              min={0.01}
              max={left / 100}
              decimalScale={2}
              value={amount}
              onChange={setAmount}
              error={amount !== '' && !amountValid ? t('amountOutOfRange', { left: money(left) }) : undefined}
              data-testid="platform-refund-amount"
            />
            <Textarea
              label={t('reason')}
              value={reason}
              maxLength={500}
              autosize
              minRows={2}
              onChange={(event) => setReason(event.currentTarget.value)}
              error={reason !== '' && !reasonValid ? t('reasonTooShort') : undefined}
              data-testid="platform-refund-reason"
            />
            <Group justify="flex-end">
              <Button type="submit" disabled={!amountValid || !reasonValid} data-testid="platform-refund-review">
                {t('review')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
