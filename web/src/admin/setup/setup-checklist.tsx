import { Alert, Button, Code, CopyButton, Paper, Progress, Text, Title, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { can, type Me } from '../session/use-session.ts';
import './setup-words.ts';
import classes from './setup-checklist.module.css';
import { useMarkBookingPageShared, useSetupStatus, type SetupStatus, type SetupStepKey } from './use-setup-status.ts';

/** The screen that does each step (locations live with their hours). */
const SCREEN: Record<Exclude<SetupStepKey, 'booking_page'>, string> = {
  location: '/admin/settings/hours',
  service: '/admin/settings/services',
  staff: '/admin/settings/resources',
  hours: '/admin/settings/hours',
  first_booking: '/admin/calendar',
};

function BookingPageLink({ status, primary }: { status: SetupStatus; primary: boolean }) {
  const { t } = useTranslation('setup');
  const mark = useMarkBookingPageShared();
  const shared = () => mark.mutate();
  return (
    <div className={classes.link}>
      <Button component="a" href={status.booking_page_url} target="_blank" rel="noopener" variant={primary ? 'filled' : 'default'} onClick={shared} data-testid="setup-open-booking-page">
        {t('steps.booking_page.action')}
        <VisuallyHidden>{t('steps.booking_page.opens')}</VisuallyHidden>
      </Button>
      <Code className={classes.url} aria-label={t('steps.booking_page.link')} data-testid="setup-booking-url">
        {status.booking_page_url}
      </Code>
      <CopyButton value={status.booking_page_url}>
        {({ copied, copy }) => (
          <Button
            size="xs"
            variant="default"
            onClick={() => {
              copy();
              shared();
            }}
            aria-live="polite"
            data-testid="setup-copy-link"
          >
            {copied ? t('steps.booking_page.copied') : t('steps.booking_page.copy')}
          </Button>
        )}
      </CopyButton>
    </div>
  );
}

function StepRow({ step, index, status, me }: { step: SetupStatus['steps'][number]; index: number; status: SetupStatus; me: Me }) {
  const { t } = useTranslation('setup');
  const next = status.next_step === step.key;
  const words = `steps.${step.key}`;
  const screen = step.key === 'booking_page' ? null : SCREEN[step.key];
  return (
    <li className={classes.step} data-testid="setup-step" data-step={step.key} data-done={step.done} data-next={next}>
      <span className={classes.mark} aria-hidden="true">
        {step.done ? '✓' : index + 1}
      </span>
      <div className={classes.text}>
        <Text fw={600} className={step.done ? classes.doneTitle : undefined}>
          {t(`${words}.title`)}
          <VisuallyHidden>{` — ${step.done ? t('done') : next ? t('next') : t('todo')}`}</VisuallyHidden>
        </Text>
        {!step.done && (
          <Text size="sm" c="dimmed">
            {t(`${words}.hint`)}
          </Text>
        )}
        {step.key === 'booking_page' && !status.complete && <BookingPageLink status={status} primary={next} />}
      </div>
      {screen && !step.done && (step.key !== 'first_booking' || can(me, 'read', 'Booking')) && (
        <div className={classes.actions}>
          <Button component={Link} to={screen} variant={next ? 'filled' : 'default'} size="sm" data-testid={`setup-go-${step.key}`}>
            {t(`${words}.action`)}
          </Button>
        </div>
      )}
    </li>
  );
}

/**
 * "Get started": the first-run checklist at the top of the desk while the business has no booking
 * yet, for the people who set the business up. Each step shows whether it is done and leads to the
 * screen that does it; it goes away with the first booking.
 */
export function SetupChecklist({ me }: { me: Me }) {
  const { t } = useTranslation('setup');
  const status = useSetupStatus(can(me, 'update', 'Business'));
  if (status.isError) return <Alert color="yellow">{t('error')}</Alert>;
  if (!status.data || status.data.complete) return null;
  const { steps } = status.data;
  const done = steps.filter((step) => step.done).length;
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="setup-title" data-testid="setup-checklist">
      <div className={classes.head}>
        <Title order={2} size="h3" id="setup-title">
          {t('title')}
        </Title>
        <Text size="sm" c="dimmed" aria-live="polite" data-testid="setup-progress">
          {t('progress', { done, total: steps.length })}
        </Text>
      </div>
      <Text size="sm" c="dimmed" mt={4} mb="sm">
        {t('intro')}
      </Text>
      <Progress value={(done / steps.length) * 100} mb="md" aria-label={t('progressLabel')} />
      <ol className={classes.steps}>
        {steps.map((step, index) => (
          <StepRow key={step.key} step={step} index={index} status={status.data} me={me} />
        ))}
      </ol>
    </Paper>
  );
}
