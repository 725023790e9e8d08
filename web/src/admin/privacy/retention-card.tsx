import { Alert, Button, NumberInput, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { privacyErrorText } from './privacy-errors.ts';
import { RETENTION, settingOr, withinRange } from './privacy-facts.ts';
import classes from './privacy.module.css';
import { useSaveRetention, useTenant, type Tenant } from './use-privacy.ts';

type Range = (typeof RETENTION)[keyof typeof RETENTION];

/** One period: a whole number within its range, with the range and the default said under it. */
function PeriodInput({ label, hint, unit, range, value, onChange, problem, testId }: {
  label: string;
  hint: string;
  unit: string;
  range: Range;
  value: number | string;
  onChange: (value: number | string) => void;
  problem: string | null;
  testId: string;
}) {
  return (
    <NumberInput
      label={label}
      description={hint}
      value={value}
      onChange={onChange}
      min={range.min}
      max={range.max}
      allowDecimal={false}
      allowNegative={false}
      clampBehavior="none"
      rightSection={<span className={classes.unit}>{unit}</span>}
      rightSectionWidth={64}
      rightSectionPointerEvents="none"
      error={problem}
      className={classes.period}
      data-testid={testId}
    />
  );
}

function RetentionForm({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation(['privacy', 'admin']);
  const save = useSaveRetention(tenant.id);
  const [guestMonths, setGuestMonths] = useState<number | string>(settingOr(tenant.settings, 'guest_retention_months', RETENTION.guestMonths.fallback));
  const [consentYears, setConsentYears] = useState<number | string>(settingOr(tenant.settings, 'consent_evidence_retention_years', RETENTION.consentYears.fallback));
  const [checked, setChecked] = useState(false);
  const [saved, setSaved] = useState(false);
  const months = withinRange(guestMonths, RETENTION.guestMonths);
  const years = withinRange(consentYears, RETENTION.consentYears);
  const rangeText = (range: Range) => t('retention.range', { min: range.min, max: range.max });

  const submit = async () => {
    setChecked(true);
    setSaved(false);
    if (months === null || years === null) return;
    try {
      await save.mutateAsync({ guest_retention_months: months, consent_evidence_retention_years: years });
      setChecked(false);
      setSaved(true);
    } catch {
      // Shown below from the mutation's state.
    }
  };

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      className={`${classes.cardForm} ${classes.form}`}
    >
      <Stack gap="md">
        <PeriodInput
          label={t('retention.guestMonths')}
          hint={t('retention.guestMonthsHint', { ...RETENTION.guestMonths })}
          unit={t('retention.months')}
          range={RETENTION.guestMonths}
          value={guestMonths}
          onChange={(value) => {
            setGuestMonths(value);
            setSaved(false);
          }}
          problem={checked && months === null ? rangeText(RETENTION.guestMonths) : null}
          testId="retention-guest-months"
        />
        <PeriodInput
          label={t('retention.consentYears')}
          hint={t('retention.consentYearsHint', { ...RETENTION.consentYears })}
          unit={t('retention.years')}
          range={RETENTION.consentYears}
          value={consentYears}
          onChange={(value) => {
            setConsentYears(value);
            setSaved(false);
          }}
          problem={checked && years === null ? rangeText(RETENTION.consentYears) : null}
          testId="retention-consent-years"
        />
        <Button
          variant="subtle"
          size="compact-sm"
          w="fit-content"
          onClick={() => {
            setGuestMonths(RETENTION.guestMonths.fallback);
            setConsentYears(RETENTION.consentYears.fallback);
            setSaved(false);
          }}
          data-testid="retention-defaults"
        >
          {t('retention.defaults')}
        </Button>
        {save.isError && (
          <Alert color="red" role="alert" data-testid="retention-error">
            {privacyErrorText(save.error, t, 'retention')}
          </Alert>
        )}
      </Stack>
      <div className={classes.cardFooter}>
        <Text size="sm" c="green.9" role="status" className={classes.saved} data-testid="retention-saved">
          {saved ? t('retention.saved') : ''}
        </Text>
        <Button type="submit" loading={save.isPending} data-testid="retention-save">
          {t('retention.save')}
        </Button>
      </div>
    </form>
  );
}

/**
 * How long the business keeps guests without a booking and the proof of an erased customer's
 * consents (PATCH /tenants/{id}); for the people who may change settings (owners).
 */
export function RetentionCard({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation(['privacy', 'admin']);
  const tenant = useTenant(tenantId);
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="retention-title" data-testid="retention-card">
      <Stack gap="md">
        <Stack gap={4}>
          <Title order={2} size="h4" id="retention-title">
            {t('retention.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('retention.intro')}
          </Text>
        </Stack>
        {tenant.isPending ? (
          <Stack gap="sm" aria-busy="true">
            <Skeleton height={72} />
            <Skeleton height={72} />
          </Stack>
        ) : tenant.isError ? (
          <Alert color="red" title={t('retention.loadFailed')}>
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{privacyErrorText(tenant.error, t, 'retention')}</Text>
              <Button size="xs" variant="default" onClick={() => void tenant.refetch()}>
                {t('retry')}
              </Button>
            </Stack>
          </Alert>
        ) : (
          <RetentionForm key={tenant.data.id} tenant={tenant.data} />
        )}
      </Stack>
    </Paper>
  );
}
