import { Alert, Button, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { customerErrorText } from './customer-errors.ts';
import classes from './customers.module.css';
import { useUpdateCustomer, type Customer } from './use-customers.ts';

const MAX = 4000;

/** Internal notes about the customer (only the team sees them; stored encrypted). */
export function NotesCard({ customer, editable }: { customer: Customer; editable: boolean }) {
  const { t } = useTranslation(['customers', 'admin']);
  const update = useUpdateCustomer(customer.id);
  const [notes, setNotes] = useState(customer.notes ?? '');
  const changed = notes.trim() !== (customer.notes ?? '').trim();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!changed || notes.length > MAX) return;
    try {
      await update.mutateAsync({ notes: notes.trim() || null });
      notifications.show({ message: t('notes.saved'), color: 'green' });
    } catch {
      // Shown below from the mutation's state.
    }
  };

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="notes-title">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="notes-title">
            {t('notes.title')}
          </Title>
          {editable ? (
            <>
              <Textarea
                label={t('notes.label')}
                description={t('notes.hint')}
                value={notes}
                onChange={(event) => setNotes(event.currentTarget.value)}
                autosize
                minRows={3}
                maxRows={12}
                error={notes.length > MAX ? t('notes.tooLong', { max: MAX }) : undefined}
                data-testid="notes-input"
              />
              {update.isError && (
                <Alert color="red" role="alert">
                  {customerErrorText(update.error, t)}
                </Alert>
              )}
              <div className={classes.cardFooter}>
                <Button type="submit" loading={update.isPending} disabled={!changed || notes.length > MAX} data-testid="notes-save">
                  {t('notes.save')}
                </Button>
              </div>
            </>
          ) : (
            <Text size="sm" c={customer.notes ? undefined : 'dimmed'} className={classes.preWrap}>
              {customer.notes || t('notes.none')}
            </Text>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
