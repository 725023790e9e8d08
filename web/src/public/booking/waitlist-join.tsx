import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useJoinWaitlist } from '../../shared/api/use-join-waitlist.ts';
import { startOfZonedDay } from '../../shared/time/slot-time.ts';
import { addDays } from '../../shared/api/availability-range.ts';
import { detailsSchema } from './details.ts';
import styles from './booking-flow.module.css';

interface WaitlistJoinProps {
  slug: string;
  serviceId: string;
  /** The full day (YYYY-MM-DD, the location's calendar) the guest would like. */
  date: string;
  zone: string;
  dayLabel: string;
}

/** "Tell me if a time opens up that day": a name and an email, then the waiting list does the rest. */
export function WaitlistJoin({ slug, serviceId, date, zone, dayLabel }: WaitlistJoinProps) {
  const { t } = useTranslation('booking');
  const join = useJoinWaitlist(slug);
  const [firstName, setFirstName] = useState('');
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = detailsSchema.safeParse({ firstName, lastName: '', email, phone: '', notes: '' });
    if (!checked.success) {
      setProblem(checked.error.issues[0]?.message ?? 'errors.generic');
      return;
    }
    setProblem(null);
    join.mutate({
      service_id: serviceId,
      customer: { first_name: firstName.trim(), email: email.trim() },
      preferred_times: [{ start: startOfZonedDay(date, zone).toISOString(), end: startOfZonedDay(addDays(date, 1), zone).toISOString() }],
    });
  };

  if (join.isSuccess) {
    return (
      <p className={styles.notice} role="status" data-testid="waitlist-joined">
        {t('waitlist.joined', { day: dayLabel })}
      </p>
    );
  }
  return (
    <form className={styles.waitlist} onSubmit={submit} noValidate data-testid="waitlist-join">
      <p className={styles.hint}>{t('waitlist.text', { day: dayLabel })}</p>
      <div className={styles.field}>
        <label htmlFor="waitlist-first-name">{t('firstName')}</label>
        <input id="waitlist-first-name" autoComplete="given-name" value={firstName} onChange={(event) => setFirstName(event.target.value)} data-testid="waitlist-first-name" />
      </div>
      <div className={styles.field}>
        <label htmlFor="waitlist-email">{t('email')}</label>
        <input id="waitlist-email" type="email" autoComplete="email" value={email} onChange={(event) => setEmail(event.target.value)} data-testid="waitlist-email" />
      </div>
      {problem || join.isError ? (
        <p role="alert" className={styles.fieldError}>
          {t(problem ?? 'waitlist.failed')}
        </p>
      ) : null}
      <button type="submit" className={styles.secondary} disabled={join.isPending} data-testid="waitlist-submit">
        {join.isPending ? t('waitlist.joining') : t('waitlist.join')}
      </button>
    </form>
  );
}
