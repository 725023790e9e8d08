import { Alert, Anchor, Button, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { customerErrorText, fieldRefusals, type FieldRefusal } from './customer-errors.ts';
import classes from './customers.module.css';
import { useUpdateCustomer, type Customer, type CustomerUpdate } from './use-customers.ts';

type Fields = 'first_name' | 'last_name' | 'email' | 'phone';
const FIELDS: Fields[] = ['first_name', 'last_name', 'email', 'phone'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** E.164 as people type it: a plus, then 8–15 digits with spaces, dots, dashes or brackets between. */
const PHONE = /^\+[\d\s().-]{7,24}$/;

function digits(value: string): number {
  return value.replace(/\D/g, '').length;
}

/** The contact details: read-only for roles that may not update customers, else a form that checks before sending. */
export function ContactCard({ customer, editable }: { customer: Customer; editable: boolean }) {
  const { t } = useTranslation(['customers', 'admin']);
  const update = useUpdateCustomer(customer.id);
  const initial = { first_name: customer.first_name, last_name: customer.last_name ?? '', email: customer.email ?? '', phone: customer.phone ?? '' };
  const [values, setValues] = useState(initial);
  const [problems, setProblems] = useState<Partial<Record<Fields, string>>>({});
  const [taken, setTaken] = useState<FieldRefusal[]>([]);
  const changed = FIELDS.some((field) => values[field].trim() !== initial[field]);

  const check = (): Partial<Record<Fields, string>> => {
    const found: Partial<Record<Fields, string>> = {};
    if (!values.first_name.trim()) found.first_name = t('contact.required');
    if (values.email.trim() && !EMAIL.test(values.email.trim())) found.email = t('contact.badEmail');
    if (values.phone.trim() && (!PHONE.test(values.phone.trim()) || digits(values.phone) < 8 || digits(values.phone) > 15)) found.phone = t('contact.badPhone');
    if (!values.email.trim() && !values.phone.trim()) found.email = t('contact.needContact');
    return found;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = check();
    setProblems(found);
    setTaken([]);
    if (Object.keys(found).length > 0) return;
    const body: CustomerUpdate = {};
    if (values.first_name.trim() !== initial.first_name) body.first_name = values.first_name.trim();
    if (values.last_name.trim() !== initial.last_name) body.last_name = values.last_name.trim() || null;
    if (values.email.trim() !== initial.email) body.email = values.email.trim() || null;
    if (values.phone.trim() !== initial.phone) body.phone = values.phone.trim() || null;
    try {
      await update.mutateAsync(body);
      notifications.show({ message: t('contact.saved'), color: 'green' });
    } catch (error) {
      const refusals = fieldRefusals(error);
      setTaken(refusals.filter((refusal) => refusal.customerId !== null));
      const byField: Partial<Record<Fields, string>> = {};
      for (const refusal of refusals) {
        if (!FIELDS.includes(refusal.field as Fields)) continue;
        byField[refusal.field as Fields] = refusal.customerId ? t(`contact.taken.${refusal.field}`) : t(`contact.invalid.${refusal.field}`, { defaultValue: t('contact.invalidField') });
      }
      setProblems(byField);
    }
  };

  const field = (name: Fields, type = 'text', autoComplete = 'off') => (
    <TextInput
      label={t(`contact.${name}`)}
      type={type}
      value={values[name]}
      onChange={(event) => {
        const value = event.currentTarget.value;
        setValues((current) => ({ ...current, [name]: value }));
      }}
      error={problems[name]}
      readOnly={!editable}
      variant={editable ? 'default' : 'filled'}
      autoComplete={autoComplete}
      {...(name === 'phone' ? { description: t('contact.phoneHint') } : {})}
      data-testid={`contact-${name}`}
    />
  );

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="contact-title">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="contact-title">
            {t('contact.title')}
          </Title>
          {field('first_name')}
          {field('last_name')}
          {field('email', 'email')}
          {field('phone', 'tel')}
          {taken.map((refusal) => (
            <Alert key={refusal.field} color="yellow" data-testid="contact-taken">
              <Text size="sm">
                {t(`contact.takenBy.${refusal.field}`, { defaultValue: t('contact.takenBy.email') })}{' '}
                <Anchor component={Link} to={`/admin/customers/${refusal.customerId ?? ''}`} size="sm">
                  {t('contact.openOther')}
                </Anchor>
              </Text>
            </Alert>
          ))}
          {update.isError && taken.length === 0 && Object.keys(problems).length === 0 && (
            <Alert color="red" role="alert">
              {customerErrorText(update.error, t)}
            </Alert>
          )}
          {editable ? (
            <div className={classes.cardFooter}>
              {changed && (
                <Button variant="default" onClick={() => { setValues(initial); setProblems({}); setTaken([]); }}>
                  {t('contact.undo')}
                </Button>
              )}
              <Button type="submit" loading={update.isPending} disabled={!changed} data-testid="contact-save">
                {t('contact.save')}
              </Button>
            </div>
          ) : (
            <Text size="sm" c="dimmed">
              {t('contact.readOnly')}
            </Text>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
