import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@reservehub/api-client';
import type { BookingPage, BookingPageService } from '../../shared/api/use-booking-page.ts';
import { useAvailability, type FreeSlot } from '../../shared/api/use-availability.ts';
import { useCreateBooking, type CreatedBooking } from '../../shared/api/use-create-booking.ts';
import { formatDuration, formatMoney } from '../../shared/format/format.ts';
import { browserZone, slotTime, zoneCity, zonedDate } from '../../shared/time/slot-time.ts';
import { Skeleton } from '../../shared/ui/page-state.tsx';
import { BookingTerms } from './booking-terms.tsx';
import { Confirmation } from './confirmation.tsx';
import { DatePicker } from './date-picker.tsx';
import { bookingCustomer, EMPTY_DETAILS, type Details } from './details.ts';
import { DetailsForm } from './details-form.tsx';
import { lastDayOf, monthOf, shiftMonth, dateValue } from './month.ts';
import { OtpStep } from './otp-step.tsx';
import { SlotList } from './slot-list.tsx';
import { WaitlistJoin } from './waitlist-join.tsx';
import styles from './booking-flow.module.css';

type Step = 'time' | 'details' | 'verify' | 'done';

interface BookingFlowProps {
  slug: string;
  page: BookingPage;
  service: BookingPageService;
  onChangeService: () => void;
  /** Told of each booking made (the widget passes it on to its host page). */
  onConfirmed?: (booking: CreatedBooking) => void;
  /** Inside the widget's frame: links to other pages open in a new tab. */
  embedded?: boolean;
}

/** Day → time → details (→ code) → booked, for one service; what was typed survives going back. */
export function BookingFlow({ slug, page, service, onChangeService, onConfirmed, embedded = false }: BookingFlowProps) {
  const { t, i18n } = useTranslation('booking');
  const language = i18n.language;
  const customerZone = useMemo(browserZone, []);
  const today = useMemo(() => zonedDate(new Date(), page.business.timezone), [page.business.timezone]);
  const firstMonth = monthOf(today);
  const [month, setMonth] = useState(firstMonth);
  const [date, setDate] = useState<string | null>(null);
  /** A day without free times the customer chose: the next free day and the waiting list are offered. */
  const [fullDay, setFullDay] = useState<string | null>(null);
  const [slot, setSlot] = useState<FreeSlot | null>(null);
  const [step, setStep] = useState<Step>('time');
  const [details, setDetails] = useState<Details>(EMPTY_DETAILS);
  const [taken, setTaken] = useState(false);
  const [booking, setBooking] = useState<CreatedBooking | null>(null);
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const timesSection = useRef<HTMLElement>(null);

  const from = month === firstMonth ? today : `${month}-01`;
  const availability = useAvailability(slug, service.id, from, lastDayOf(month), step === 'time');
  const free = availability.data;
  const freeDates = useMemo(() => new Set(free?.keys() ?? []), [free]);
  // After a time was taken, the times on screen are known to be stale: wait for fresh ones rather than offer them.
  const loadingMonth = availability.isPending || ((availability.isPlaceholderData || taken) && availability.isFetching);
  const create = useCreateBooking(slug);

  useEffect(() => {
    if (step !== 'time') stepHeading.current?.focus();
  }, [step]);

  // After a taken time, a day left without times moves on to the next free one: never a dead end.
  const shownDate = date && taken && !free?.get(date)?.length ? ([...freeDates].find((candidate) => candidate > date) ?? date) : date;
  const daySlots = shownDate ? (free?.get(shownDate) ?? []) : [];

  const changeMonth = (by: number) => {
    setMonth((current) => shiftMonth(current, by));
    setDate(null);
    setFullDay(null);
  };

  const book = (verificationToken?: string, withDetails: Details = details) => {
    if (!slot) return;
    create.mutate(
      {
        service_id: service.id,
        resource_id: slot.resource_ids[0] as string,
        start_time: slot.start_time,
        ...bookingCustomer(withDetails),
        source: 'web',
        ...(verificationToken ? { verification_token: verificationToken } : {}),
      },
      {
        onSuccess: (created) => {
          setBooking(created);
          setStep('done');
          onConfirmed?.(created);
        },
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'SLOT_UNAVAILABLE') {
            setTaken(true);
            setSlot(null);
            setStep('time');
            void availability.refetch();
          } else if (error instanceof ApiError && error.code === 'VERIFICATION_REQUIRED') {
            setStep('verify');
          }
        },
      },
    );
  };

  const depositAmount =
    service.deposit.type === 'fixed'
      ? service.deposit.value
      : service.deposit.type === 'percentage'
        ? Math.round((service.price.amount * service.deposit.value) / 100)
        : service.deposit.type === 'full'
          ? service.price.amount
          : 0;
  const dayLabel = (day: string) =>
    new Intl.DateTimeFormat(language, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(dateValue(day));
  const nextFree = (after: string) => [...freeDates].sort().find((candidate) => candidate > after);
  const chosenTime = slot ? slotTime(slot.start_time, { customerZone, locationZone: slot.timezone, locale: language }) : null;
  const chosenDay = shownDate ? new Intl.DateTimeFormat(language, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(dateValue(shownDate)) : null;
  const summary = [service.name, chosenDay, chosenTime?.customer, formatMoney(service.price, language)].filter(Boolean).join(' · ');

  if (step === 'done' && booking) {
    return (
      <Confirmation
        booking={booking}
        business={page.business}
        customerZone={customerZone}
        embedded={embedded}
        onAnother={() => {
          setBooking(null);
          setSlot(null);
          setDate(null);
          setStep('time');
          onChangeService();
        }}
      />
    );
  }

  const createError = create.error instanceof ApiError && !['SLOT_UNAVAILABLE', 'VERIFICATION_REQUIRED'].includes(create.error.code) ? create.error : null;

  return (
    <div className={styles.flow}>
      <aside className={styles.chosen} aria-label={t('summary')} data-testid="chosen-service">
        <p className={styles.chosenName}>{service.name}</p>
        <p className={styles.hint}>
          {formatDuration(service.duration_minutes, language)} · {formatMoney(service.price, language)}
          {depositAmount > 0 ? ` · ${t('deposit', { amount: formatMoney({ amount: depositAmount, currency: service.price.currency }, language) })}` : ''}
        </p>
        {step !== 'time' && chosenDay && chosenTime ? (
          <p className={styles.chosenWhen} data-testid="chosen-time">
            {chosenDay} · {chosenTime.customer}
            {chosenTime.location && slot ? ` (${t('atLocation', { time: chosenTime.location, city: zoneCity(slot.timezone) })})` : ''}
          </p>
        ) : null}
        <button type="button" className={styles.link} onClick={onChangeService} data-testid="change-service">
          {t('changeService')}
        </button>
      </aside>

      {step === 'time' ? (
        <div className={styles.when}>
          <section aria-labelledby="choose-day" className={styles.panel}>
            <h2 id="choose-day" className={styles.stepTitle}>
              {t('chooseDay')}
            </h2>
            <DatePicker
              month={month}
              firstMonth={firstMonth}
              freeDates={freeDates}
              selected={fullDay ?? shownDate}
              loading={loadingMonth}
              fromDate={today}
              onSelectFull={(chosen) => {
                setDate(null);
                setFullDay(chosen);
                setTaken(false);
              }}
              onSelect={(chosen) => {
                setDate(chosen);
                setFullDay(null);
                setTaken(false);
                // One column on phones: the times are below the calendar, bring them into view.
                if (globalThis.matchMedia?.('(max-width: 1023px)').matches) {
                  requestAnimationFrame(() => timesSection.current?.scrollIntoView({ block: 'start' }));
                }
              }}
              onMonthChange={changeMonth}
            />
            {!loadingMonth && availability.isSuccess && freeDates.size === 0 ? (
              <p className={styles.hint} data-testid="no-slots-month">
                {t('noSlotsMonth')}{' '}
                <button type="button" className={styles.link} onClick={() => changeMonth(1)}>
                  {t('tryNextMonth')}
                </button>
              </p>
            ) : null}
            {availability.isError ? (
              <p role="alert" className={styles.fieldError}>
                {t('errors.network')}{' '}
                <button type="button" className={styles.link} onClick={() => void availability.refetch()}>
                  ↻
                </button>
              </p>
            ) : null}
          </section>
          <section aria-labelledby="choose-time" className={styles.panel} aria-live="polite" ref={timesSection}>
            <h2 id="choose-time" className={styles.stepTitle}>
              {t('chooseTime')}
            </h2>
            {taken ? (
              <p role="alert" className={styles.notice} data-testid="slot-taken">
                {t('slotTaken')}
              </p>
            ) : null}
            {loadingMonth ? (
              <Skeleton lines={3} testId="slots-loading" />
            ) : fullDay ? (
              <div className={styles.fullDay} data-testid="no-slots-day">
                <p>{t('dayFullText', { day: dayLabel(fullDay) })}</p>
                {nextFree(fullDay) ? (
                  <button
                    type="button"
                    className={styles.primary}
                    data-testid="next-free-day"
                    onClick={() => {
                      setDate(nextFree(fullDay) ?? null);
                      setFullDay(null);
                    }}
                  >
                    {t('nextFreeDayOn', { day: dayLabel(nextFree(fullDay) ?? fullDay) })}
                  </button>
                ) : (
                  <button type="button" className={styles.secondary} onClick={() => changeMonth(1)}>
                    {t('tryNextMonth')}
                  </button>
                )}
                <WaitlistJoin slug={slug} serviceId={service.id} date={fullDay} zone={page.business.timezone} dayLabel={dayLabel(fullDay)} />
              </div>
            ) : date && daySlots.length > 0 ? (
              <SlotList
                slots={daySlots}
                customerZone={customerZone}
                onChoose={(chosen) => {
                  setSlot(chosen);
                  setDate(shownDate);
                  setTaken(false);
                  create.reset();
                  setStep('details');
                }}
              />
            ) : shownDate && freeDates.size > 0 ? (
              <button type="button" className={styles.secondary} onClick={() => setDate([...freeDates].find((candidate) => candidate > shownDate) ?? [...freeDates][0] ?? null)}>
                {t('nextFreeDay')}
              </button>
            ) : (
              <p className={styles.hint}>{t('pickDayFirst')}</p>
            )}
          </section>
        </div>
      ) : (
        <div className={styles.panel}>
          <button type="button" className={styles.back} onClick={() => setStep(step === 'verify' ? 'details' : 'time')} data-testid="back">
            ← {t('back')}
          </button>
          <h2 className={styles.stepTitle} tabIndex={-1} ref={stepHeading}>
            {step === 'verify' ? t('verifyTitle') : t('yourDetails')}
          </h2>
          {step === 'details' ? (
            <DetailsForm
              value={details}
              onChange={setDetails}
              onSubmit={(checked) => {
                setDetails(checked);
                book(undefined, checked);
              }}
              busy={create.isPending}
            >
              <BookingTerms service={service} depositAmount={depositAmount} />
              {createError ? (
                <p role="alert" className={styles.fieldError}>
                  {createError.code === 'NETWORK_ERROR' ? t('errors.network') : t('errors.generic')}
                </p>
              ) : null}
            </DetailsForm>
          ) : (
            <OtpStep slug={slug} destination={details.email.trim()} busy={create.isPending} onVerified={(token) => book(token)} />
          )}
        </div>
      )}

      <p className={styles.summaryBar} data-testid="summary-bar">
        {summary}
      </p>
    </div>
  );
}
