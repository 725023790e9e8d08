import { Button, Modal, NumberInput, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../shared/format/format.ts';
import { decimalSeparator, exponentOf, toAmount, toMinor } from '../catalog/money.ts';
import { ModalFooter } from '../ui/modal-footer.tsx';
import { deskErrorText } from './desk-words.ts';
import { DESK_METHODS, useTakeDeskPayment, type DeskMethod } from './use-desk-payments.ts';
import type { Booking } from './use-desk.ts';

/**
 * Taking money at the desk: the balance due, how it is paid (cash, the card terminal, other) and
 * the amount, prefilled with the whole balance. The server refuses more than the balance.
 */
export function TakePaymentModal({ booking, due, onClose }: { booking: Booking; due: number; onClose: () => void }) {
  const { t, i18n } = useTranslation(['desk', 'admin']);
  const currency = booking.pricing.currency;
  const [method, setMethod] = useState<DeskMethod>('cash');
  const [amount, setAmount] = useState<number | string>(toAmount(due, currency));
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  // One key per opening: pressing again after a lost answer records the payment once.
  const [key] = useState(() => globalThis.crypto.randomUUID());
  const take = useTakeDeskPayment(booking.id);
  const money = (minor: number) => formatMoney({ amount: minor, currency }, i18n.language);
  const name = [booking.customer.first_name, booking.customer.last_name].filter(Boolean).join(' ');
  const minor = toMinor(amount, currency);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    if (minor === null || minor < 1 || minor > due) return setProblem(t('take.amountInvalid', { max: money(due) }));
    take.mutate(
      {
        key,
        body: { method, amount: minor, currency, ...(reference.trim() ? { reference: reference.trim() } : {}), ...(note.trim() ? { note: note.trim() } : {}) },
      },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t('take.done', { amount: money(minor), method: t(`method.${method}`) }) });
          onClose();
        },
        onError: (error) => setProblem(deskErrorText(error, t)),
      },
    );
  };

  // lockScroll off: Mantine's scroll lock writes a <style> element, which the page's CSP refuses.
  return (
    <Modal opened onClose={onClose} title={t('take.title', { name })} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('take.back') }}>
      <form onSubmit={submit} noValidate data-testid="take-payment-form">
        <Stack gap="md">
          <Text fw={600} data-testid="take-payment-due">
            {t('take.due', { amount: money(due) })}
          </Text>
          <div>
            <Text size="sm" fw={500} mb={4} id="take-payment-method-label">
              {t('take.method')}
            </Text>
            <SegmentedControl
              fullWidth
              value={method}
              onChange={(value) => setMethod(DESK_METHODS.find((candidate) => candidate === value) ?? 'cash')}
              data={DESK_METHODS.map((value) => ({ value, label: t(`method.${value}`) }))}
              aria-labelledby="take-payment-method-label"
              data-testid="take-payment-method"
            />
          </div>
          <NumberInput
            label={t('take.amount', { currency })}
            description={t('take.amountHint', { amount: money(due) })}
            value={amount}
            onChange={setAmount}
            min={0}
            max={toAmount(due, currency)}
            decimalScale={exponentOf(currency)}
            fixedDecimalScale={exponentOf(currency) > 0}
            hideControls
            decimalSeparator={decimalSeparator(i18n.language)}
            allowNegative={false}
            data-testid="take-payment-amount"
          />
          <TextInput label={t('take.reference')} description={t('take.referenceHint')} value={reference} onChange={(event) => setReference(event.currentTarget.value)} maxLength={200} autoComplete="off" />
          <Textarea label={t('take.note')} value={note} onChange={(event) => setNote(event.currentTarget.value)} maxLength={1000} autosize minRows={2} />
          <ModalFooter problem={problem} problemTestId="take-payment-error" backLabel={t('take.back')} onBack={onClose}>
            <Button type="submit" loading={take.isPending} data-testid="take-payment-submit">
              {minor !== null && minor > 0 ? t('take.submit', { amount: money(minor) }) : t('take.submitPlain')}
            </Button>
          </ModalFooter>
        </Stack>
      </form>
    </Modal>
  );
}
