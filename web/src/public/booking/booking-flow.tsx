import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@reservehub/api-client';
import type { BookingPage, BookingPageService } from '../../shared/api/use-booking-page.ts';
import { useCreateBooking, useCreateBookingBatch, type BookedVisit } from '../../shared/api/use-create-booking.ts';
import { formatMoney } from '../../shared/format/format.ts';
import { browserZone, slotTime, zonedDate } from '../../shared/time/slot-time.ts';
import type { BookingFlowAccount } from './account-details.tsx';
import { BookingError } from './booking-error.tsx';
import { BookingTerms } from './booking-terms.tsx';
import { Confirmation } from './confirmation.tsx';
import { bookingCustomer, EMPTY_DETAILS, type Details } from './details.ts';
import { DetailsForm } from './details-form.tsx';
import { dateValue, monthOf } from './month.ts';
import { OtpStep } from './otp-step.tsx';
import { TimeStep, type CalendarState } from './time-step.tsx';
import { visitBookings, visitTotals, type Visit } from './visit.ts';
import { VisitSummary } from './visit-summary.tsx';
import styles from './booking-flow.module.css';

type Step = 'time' | 'details' | 'verify' | 'done';

interface BookingFlowProps {
  slug: string;
  page: BookingPage;
  service: BookingPageService;
  onChangeService: () => void;
  /** Told of each booking made (the widget passes it on to its host page). */
  onConfirmed?: (booking: BookedVisit) => void;
  /** Inside the widget's frame: links to other pages open in a new tab. */
  embedded?: boolean;
  /**
   * Customer accounts, from the booking page (`useBookingFlowAccount`); the widget, whose frame may
   * not keep a session, has none, and so loads none of their code.
   */
  account?: BookingFlowAccount;
}

const HANDLED = ['SLOT_UNAVAILABLE', 'VERIFICATION_REQUIRED'];
const NO_VISIT: Visit = { items: [], party: 1 };

/**
 * Day → time → details (with more people or more services, RF5.8) (→ code) → booked; what was
 * typed and chosen survives going back. One booking goes to POST /bookings, several to the batch.
 */
export function BookingFlow({ slug, page, service, onChangeService, onConfirmed, embedded = false, account }: BookingFlowProps) {
  const { t, i18n } = useTranslation('booking');
  const language = i18n.language;
  const customerZone = useMemo(browserZone, []);
  const today = useMemo(() => zonedDate(new Date(), page.business.timezone), [page.business.timezone]);
  const [calendar, setCalendar] = useState<CalendarState>({ month: monthOf(today), date: null, fullDay: null });
  const [visit, setVisit] = useState<Visit>(NO_VISIT);
  const [step, setStep] = useState<Step>('time');
  const [details, setDetails] = useState<Details>(EMPTY_DETAILS);
  const [taken, setTaken] = useState(false);
  const [booked, setBooked] = useState<BookedVisit[] | null>(null);
  const [formKey, setFormKey] = useState('guest');
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const single = useCreateBooking(slug);
  const batch = useCreateBookingBatch(slug);
  // Signed in, one booking goes through the account (POST /me/bookings); a visit of several stays a guest batch.
  const accountItem = account?.signedIn === true && visit.items.length === 1 ? visitBookings(visit)[0] : undefined;
  const profile = account?.details ?? null;
  const pending = single.isPending || batch.isPending;
  const failure = single.error ?? batch.error;

  useEffect(() => {
    if (step === 'details' || step === 'verify') stepHeading.current?.focus();
  }, [step]);
  // Signed in: the guest form (a visit of several bookings) starts from the account's details.
  useEffect(() => {
    if (!profile) return;
    setDetails((typed) => ({ ...profile, notes: typed.notes }));
    setFormKey(profile.email);
  }, [profile]);

  const done = (bookings: BookedVisit[]) => {
    setBooked(bookings);
    setStep('done');
    for (const booking of bookings) onConfirmed?.(booking);
  };
  const failed = (error: Error) => {
    if (error instanceof ApiError && error.code === 'SLOT_UNAVAILABLE') {
      // Back to fresh times of the same day; what depended on the taken time goes with it.
      setTaken(true);
      setVisit(NO_VISIT);
      setStep('time');
    } else if (error instanceof ApiError && error.code === 'VERIFICATION_REQUIRED') {
      setStep('verify');
    }
  };

  const book = (verificationToken?: string, withDetails: Details = details) => {
    const items = visitBookings(visit);
    const [first] = items;
    if (!first) return;
    const who = bookingCustomer(withDetails);
    const proof = verificationToken ? { verification_token: verificationToken } : {};
    single.reset();
    batch.reset();
    if (items.length === 1) {
      single.mutate({ ...first, ...who, source: embedded ? 'widget' : 'web', ...proof }, { onSuccess: (created) => done([created]), onError: failed });
    } else {
      batch.mutate({ items, ...who, ...proof }, { onSuccess: (group) => done(group.bookings), onError: failed });
    }
  };

  if (step === 'done' && booked) {
    return (
      <>
        <Confirmation
          bookings={booked}
          business={page.business}
          locations={page.locations}
          customerZone={customerZone}
          embedded={embedded}
          onAnother={() => {
            setBooked(null);
            setVisit(NO_VISIT);
            setStep('time');
            onChangeService();
          }}
        />
        {account?.signedIn ? <account.MyBookingsLink /> : null}
      </>
    );
  }

  const first = visit.items[0];
  const chosenTime = first ? slotTime(first.slot.start_time, { customerZone, locationZone: first.slot.timezone, locale: language }) : null;
  const chosenDay = chosenTime ? new Intl.DateTimeFormat(language, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(dateValue(chosenTime.customerDate)) : null;
  const names = visit.items.length > 0 ? visit.items.map((item) => item.service.name).join(' + ') + (visit.party > 1 ? ` × ${visit.party}` : '') : service.name;
  const price = visit.items.length > 0 ? visitTotals(visit).total : service.price.amount;
  const summary = [names, chosenDay, chosenTime?.customer, formatMoney({ amount: price, currency: service.price.currency }, language)].filter(Boolean).join(' · ');
  const createError = failure instanceof ApiError && !HANDLED.includes(failure.code) ? failure : null;

  return (
    <div className={styles.flow}>
      <VisitSummary
        slug={slug}
        service={service}
        services={page.services}
        visit={visit}
        date={calendar.date}
        customerZone={customerZone}
        editable={step === 'details' && !pending}
        onVisitChange={setVisit}
        onChangeService={onChangeService}
      />

      {step === 'time' ? (
        <TimeStep
          slug={slug}
          serviceId={service.id}
          today={today}
          businessZone={page.business.timezone}
          customerZone={customerZone}
          calendar={calendar}
          onCalendarChange={(next) => {
            setCalendar(next);
            setTaken(false);
          }}
          taken={taken}
          onChoose={(slot, date) => {
            setCalendar((current) => ({ ...current, date }));
            setVisit({ items: [{ service, slot }], party: 1 });
            setTaken(false);
            setStep('details');
          }}
        />
      ) : (
        <div className={styles.panel}>
          <button type="button" className={styles.back} onClick={() => setStep(step === 'verify' ? 'details' : 'time')} data-testid="back">
            ← {t('back')}
          </button>
          <h2 className={styles.stepTitle} tabIndex={-1} ref={stepHeading}>
            {step === 'verify' ? t('verifyTitle') : t('yourDetails')}
          </h2>
          {step === 'details' && account && !account.signedIn ? <account.SignInOffer email={details.email.trim()} /> : null}
          {step === 'details' && account && accountItem ? (
            <account.SignedInDetails item={accountItem} onBooked={(created) => done([created])} onFailed={failed}>
              <BookingTerms visit={visit} />
            </account.SignedInDetails>
          ) : step === 'details' ? (
            <DetailsForm
              key={formKey}
              value={details}
              onChange={setDetails}
              onSubmit={(checked) => {
                setDetails(checked);
                book(undefined, checked);
              }}
              busy={pending}
            >
              <BookingTerms visit={visit} />
              {createError ? <BookingError code={createError.code} /> : null}
            </DetailsForm>
          ) : (
            <>
              <OtpStep slug={slug} destination={details.email.trim()} busy={pending} onVerified={(token) => book(token)} />
              {createError ? <BookingError code={createError.code} /> : null}
            </>
          )}
        </div>
      )}

      <p className={styles.summaryBar} data-testid="summary-bar">
        {summary}
      </p>
    </div>
  );
}
