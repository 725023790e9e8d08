import { ActionIcon, Alert, Button, Group, NumberInput, Paper, Radio, Select, Skeleton, Stack, Switch, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can, type Me } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import { fieldError, messagesErrorText } from './message-errors.ts';
import classes from './messages.module.css';
import { reminderRows, reminderWords, rowsToMinutes, type ReminderRow, type ReminderUnit } from './reminders.ts';
import {
  useBusiness,
  useNotificationSettings,
  useSaveBusinessPolicies,
  useSaveNotificationSettings,
  type Business,
  type NotificationSettings,
} from './use-messages.ts';

/** Reminders, channels and language; then the booking policies that decide which messages go out. */
export function SettingsTab({ me }: { me: Me }) {
  const { t } = useTranslation(['messages', 'admin']);
  const settings = useNotificationSettings();
  const business = useBusiness();
  return (
    <Stack gap="lg" className={classes.settings}>
      {settings.isPending ? (
        <Skeleton h={360} radius="md" />
      ) : settings.isError ? (
        <Alert color="red">
          {errorText(settings.error, t)} {t('errors.reload')}
        </Alert>
      ) : (
        <NotificationSettingsCard settings={settings.data} canEdit={can(me, 'manage', 'Notification') && !me.read_only} />
      )}
      {business.isPending ? (
        <Skeleton h={360} radius="md" />
      ) : business.isError ? (
        <Alert color="red">
          {errorText(business.error, t)} {t('errors.reload')}
        </Alert>
      ) : business.data ? (
        <PoliciesCard business={business.data} canEdit={can(me, 'update', 'Business') && !me.read_only} />
      ) : null}
    </Stack>
  );
}

const UNITS: readonly ReminderUnit[] = ['minutes', 'hours', 'days'];
const CHANNELS = ['email', 'sms', 'whatsapp', 'push'] as const;

function NotificationSettingsCard({ settings, canEdit }: { settings: NotificationSettings; canEdit: boolean }) {
  const { t } = useTranslation(['messages', 'admin']);
  const save = useSaveNotificationSettings();
  const [rows, setRows] = useState<ReminderRow[]>(() => reminderRows(settings.reminder_offsets_minutes));
  const [channels, setChannels] = useState(settings.channels);
  const [language, setLanguage] = useState<string>(settings.default_language ?? 'customer');
  const [checked, setChecked] = useState(false);
  const [saved, setSaved] = useState(false);
  const minutes = rowsToMinutes(rows);
  const rowProblem = (row: ReminderRow): string | null => {
    if (!checked) return null;
    if (typeof row.amount !== 'number' || !Number.isInteger(row.amount) || row.amount < 1) return t('settings.reminderWhole');
    const total = rowsToMinutes([row])[0] ?? 0;
    if (total < 5) return t('settings.reminderShort');
    if (total > 43_200) return t('settings.reminderLong');
    return null;
  };
  const duplicate = new Set(minutes).size !== minutes.length;

  const submit = async () => {
    setChecked(true);
    setSaved(false);
    const invalid = rows.some((row) => {
      const total = rowsToMinutes([row])[0] ?? 0;
      return typeof row.amount !== 'number' || !Number.isInteger(row.amount) || total < 5 || total > 43_200;
    });
    if (invalid || duplicate) return;
    try {
      const answer = await save.mutateAsync({
        reminder_offsets_minutes: [...minutes].sort((a, b) => b - a),
        channels,
        default_language: language === 'customer' ? null : (language as 'es' | 'en'),
      });
      setRows(reminderRows(answer.reminder_offsets_minutes));
      setChecked(false);
      setSaved(true);
    } catch {
      // Shown below.
    }
  };

  return (
    <Paper withBorder radius="md" p="lg" className={classes.card} data-testid="notification-settings">
      <Stack gap="lg">
        <Stack gap={4}>
          <Title order={2} size="h4">
            {t('settings.remindersTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('settings.remindersHelp')}
          </Text>
        </Stack>
        <Stack gap="sm" data-testid="reminder-rows">
          {rows.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('settings.noReminders')}
            </Text>
          )}
          {rows.map((row, index) => (
            <Group key={row.key} gap="sm" align="flex-end" wrap="nowrap" data-testid="reminder-row">
              <NumberInput
                label={t('settings.reminderLabel', { number: index + 1 })}
                aria-label={t('settings.reminderAmount', { number: index + 1 })}
                value={row.amount}
                min={1}
                allowDecimal={false}
                readOnly={!canEdit}
                onChange={(value) => setRows(rows.map((other) => (other.key === row.key ? { ...other, amount: typeof value === 'number' ? value : '' } : other)))}
                error={rowProblem(row)}
                className={classes.reminderAmount}
                data-testid="reminder-amount"
              />
              <Select
                aria-label={t('settings.reminderUnit', { number: index + 1 })}
                data={UNITS.map((value) => ({ value, label: t(`settings.units.${value}`) }))}
                value={row.unit}
                allowDeselect={false}
                readOnly={!canEdit}
                onChange={(value) => value && setRows(rows.map((other) => (other.key === row.key ? { ...other, unit: value as ReminderUnit } : other)))}
                className={classes.reminderUnit}
                data-testid="reminder-unit"
              />
              {canEdit && (
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  size="lg"
                  mb={rowProblem(row) ? 26 : 2}
                  aria-label={t('settings.removeReminder', { number: index + 1 })}
                  onClick={() => setRows(rows.filter((other) => other.key !== row.key))}
                >
                  ✕
                </ActionIcon>
              )}
            </Group>
          ))}
          {checked && duplicate && <Text size="sm" c="red">{t('settings.reminderDuplicate')}</Text>}
          {canEdit && rows.length < 5 && (
            <Button variant="default" w="fit-content" onClick={() => setRows([...rows, { key: `new-${Date.now()}`, amount: 2, unit: 'hours' }])} data-testid="reminder-add">
              {t('settings.addReminder')}
            </Button>
          )}
          <Text size="sm" data-testid="reminder-summary">
            {reminderWords(minutes, t)}
          </Text>
        </Stack>
        <Stack gap="xs">
          <Text fw={600}>{t('settings.channelsTitle')}</Text>
          <Text size="sm" c="dimmed">
            {t('settings.channelsHelp')}
          </Text>
          {CHANNELS.map((channel) => (
            <Switch
              key={channel}
              label={t(`channels.${channel}`)}
              description={t(`settings.channelHelp.${channel}`)}
              checked={channels[channel]}
              disabled={!canEdit}
              onChange={(event) => setChannels({ ...channels, [channel]: event.currentTarget.checked })}
              data-testid={`channel-${channel}`}
            />
          ))}
        </Stack>
        <Select
          label={t('settings.language')}
          description={t('settings.languageHelp')}
          data={[
            { value: 'customer', label: t('settings.languageBusiness') },
            { value: 'es', label: t('languages.es') },
            { value: 'en', label: t('languages.en') },
          ]}
          value={language}
          allowDeselect={false}
          readOnly={!canEdit}
          onChange={(value) => value && setLanguage(value)}
          className={classes.narrowField}
          data-testid="default-language"
        />
        {save.isError && <Alert color="red">{messagesErrorText(save.error, t, t)}</Alert>}
        {saved && !save.isError && (
          <Alert color="green" data-testid="notification-settings-saved">
            {t('settings.saved')}
          </Alert>
        )}
        {canEdit && (
          <Group className={classes.formActions}>
            <Button onClick={submit} loading={save.isPending} data-testid="notification-settings-save">
              {t('settings.saveReminders')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

interface PolicySettings {
  guest_verification?: unknown;
  payment_hold_minutes?: unknown;
  waitlist_offer_minutes?: unknown;
}

function PoliciesCard({ business, canEdit }: { business: Business; canEdit: boolean }) {
  const { t } = useTranslation(['messages', 'admin']);
  const save = useSaveBusinessPolicies();
  const current = business.settings as PolicySettings;
  const [verification, setVerification] = useState<'none' | 'otp'>(current.guest_verification === 'otp' ? 'otp' : 'none');
  const [hold, setHold] = useState<number | string>(typeof current.payment_hold_minutes === 'number' ? current.payment_hold_minutes : 15);
  const [offer, setOffer] = useState<number | string>(typeof current.waitlist_offer_minutes === 'number' ? current.waitlist_offer_minutes : 30);
  const [checked, setChecked] = useState(false);
  const [saved, setSaved] = useState(false);
  const minutesProblem = (value: number | string) =>
    checked && (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1440) ? t('settings.minutesRange') : null;
  const server = save.isError ? fieldError(save.error) : null;
  const serverField = (name: string) => (server && server.field.endsWith(name) ? messagesErrorText(save.error, t, t) : null);

  const submit = async () => {
    setChecked(true);
    setSaved(false);
    if (typeof hold !== 'number' || typeof offer !== 'number' || [hold, offer].some((value) => !Number.isInteger(value) || value < 1 || value > 1440)) return;
    try {
      await save.mutateAsync({ id: business.id, settings: { guest_verification: verification, payment_hold_minutes: hold, waitlist_offer_minutes: offer } });
      setChecked(false);
      setSaved(true);
    } catch {
      // Shown below.
    }
  };

  return (
    <Paper withBorder radius="md" p="lg" className={classes.card} data-testid="booking-policies">
      <Stack gap="lg">
        <Stack gap={4}>
          <Title order={2} size="h4">
            {t('settings.policiesTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('settings.policiesHelp')}
          </Text>
        </Stack>
        <Radio.Group
          label={t('settings.verification')}
          description={t('settings.verificationHelp')}
          value={verification}
          onChange={(value) => canEdit && setVerification(value === 'otp' ? 'otp' : 'none')}
          data-testid="guest-verification"
        >
          <Stack gap="sm" mt="xs">
            <Radio value="none" disabled={!canEdit} label={t('settings.verificationNone')} description={t('settings.verificationNoneHelp')} data-testid="guest-verification-none" />
            <Radio value="otp" disabled={!canEdit} label={t('settings.verificationOtp')} description={t('settings.verificationOtpHelp')} data-testid="guest-verification-otp" />
          </Stack>
        </Radio.Group>
        <NumberInput
          label={t('settings.hold')}
          description={t('settings.holdHelp')}
          value={hold}
          min={1}
          max={1440}
          allowDecimal={false}
          suffix={` ${t('settings.minutesSuffix')}`}
          readOnly={!canEdit}
          onChange={setHold}
          error={minutesProblem(hold) ?? serverField('payment_hold_minutes')}
          className={classes.narrowField}
          data-testid="payment-hold"
        />
        <NumberInput
          label={t('settings.offer')}
          description={t('settings.offerHelp')}
          value={offer}
          min={1}
          max={1440}
          allowDecimal={false}
          suffix={` ${t('settings.minutesSuffix')}`}
          readOnly={!canEdit}
          onChange={setOffer}
          error={minutesProblem(offer) ?? serverField('waitlist_offer_minutes')}
          className={classes.narrowField}
          data-testid="waitlist-offer"
        />
        {save.isError && !server && <Alert color="red">{messagesErrorText(save.error, t, t)}</Alert>}
        {saved && !save.isError && (
          <Alert color="green" data-testid="booking-policies-saved">
            {t('settings.saved')}
          </Alert>
        )}
        {canEdit ? (
          <Group className={classes.formActions}>
            <Button onClick={submit} loading={save.isPending} data-testid="booking-policies-save">
              {t('settings.savePolicies')}
            </Button>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t('settings.ownerOnly')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
