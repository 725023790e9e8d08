import { Alert, Anchor, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiError } from '@reservehub/api-client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { formatMoney } from '../../shared/format/format.ts';
import { BookingDrawer } from '../desk/booking-drawer.tsx';
import { can, type Me } from '../session/use-session.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import { ConsentsCard } from './consents-card.tsx';
import { ContactCard } from './contact-card.tsx';
import { customerFigures, fullName } from './customer-facts.ts';
import { customerErrorText } from './customer-errors.ts';
import classes from './customers.module.css';
import { EraseModal, ErasureReport } from './erase-modal.tsx';
import { HistoryCard } from './history-card.tsx';
import { MergeModal } from './merge-modal.tsx';
import { NotesCard } from './notes-card.tsx';
import { downloadExport, useCustomer, useCustomerBookings, type Customer, type DeletionReport, type MergeResult } from './use-customers.ts';

function Figure({ label, value, testId, tone, note }: { label: string; value: string; testId: string; tone?: 'danger'; note?: string }) {
  return (
    <div className={classes.figure}>
      <div className={classes.figureLabel}>{label}</div>
      <div className={classes.figureValue} data-testid={testId} data-tone={tone}>
        {value}
      </div>
      {note && <div className={classes.figureLabel}>{note}</div>}
    </div>
  );
}

/** Bookings, no-shows, spend and last visit, from the customer's bookings. */
function Figures({ bookings }: { bookings: ReturnType<typeof useCustomerBookings> }) {
  const { t, i18n } = useTranslation('customers');
  if (bookings.isPending) return <Skeleton height={80} />;
  if (!bookings.data) return null;
  const figures = customerFigures(bookings.data.items);
  const last = figures.lastVisit ? bookings.data.items.find((booking) => booking.start_time === figures.lastVisit) : undefined;
  const next = figures.nextVisit ? bookings.data.items.find((booking) => booking.start_time === figures.nextVisit) : undefined;
  const day = (booking: { start_time: string; time_zone: string }) =>
    new Intl.DateTimeFormat(i18n.language, { timeZone: booking.time_zone, day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(booking.start_time));
  const spend = figures.spend.length === 0 ? formatMoney({ amount: 0, currency: bookings.data.items[0]?.pricing.currency ?? 'EUR' }, i18n.language) : figures.spend.map((money) => formatMoney(money, i18n.language)).join(' + ');
  return (
    <section className={classes.figures} aria-label={t('figures.label')}>
      <Figure label={t('figures.bookings')} value={String(figures.bookings)} testId="figure-bookings" />
      <Figure label={t('figures.noShows')} value={String(figures.noShows)} testId="figure-no-shows" {...(figures.noShows > 0 ? { tone: 'danger' as const } : {})} />
      <Figure label={t('figures.spend')} value={spend} testId="figure-spend" />
      <Figure
        label={t('figures.lastVisit')}
        value={last ? day(last) : t('figures.never')}
        testId="figure-last-visit"
        {...(next ? { note: t('figures.next', { date: day(next) }) } : {})}
      />
    </section>
  );
}

function MergedNotice({ result, onClose }: { result: MergeResult; onClose: () => void }) {
  const { t } = useTranslation('customers');
  const bookings = result.merged.reassigned.find((entry) => entry.participant === 'bookings')?.count ?? 0;
  const others = result.merged.reassigned.filter((entry) => entry.participant !== 'bookings' && entry.count > 0);
  return (
    <Alert color="green" withCloseButton onClose={onClose} closeButtonLabel={t('close')} title={t('merged.title')} data-testid="merged-notice">
      <Text size="sm">{t('merged.moved', { bookings, consents: result.merged.consents_moved })}</Text>
      {others.length > 0 && <Text size="sm">{t('merged.others', { count: others.reduce((sum, entry) => sum + entry.count, 0) })}</Text>}
      {result.merged.discarded_fields.length > 0 && (
        <Text size="sm">{t('merged.discarded', { fields: result.merged.discarded_fields.map((field) => t(`contact.${field}`, { defaultValue: field })).join(', ') })}</Text>
      )}
    </Alert>
  );
}

function ProfileBody({ customer, me, initialMerge, onErased }: { customer: Customer; me: Me; initialMerge: MergeResult | null; onErased: (erased: { report: DeletionReport; name: string }) => void }) {
  const { t } = useTranslation(['customers', 'admin']);
  const navigate = useNavigate();
  const bookings = useCustomerBookings(customer.id);
  const [dialog, setDialog] = useState<'merge' | 'erase' | null>(null);
  const [merged, setMerged] = useState<MergeResult | null>(initialMerge);
  const [openBooking, setOpenBooking] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const mayUpdate = can(me, 'update', 'Customer');
  const mayExport = can(me, 'export', 'Customer');
  const mayErase = can(me, 'delete', 'Customer');
  const name = fullName(customer);

  const exportData = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const file = await downloadExport(customer, t('export.prefix'));
      notifications.show({ message: t('export.done', { file }), color: 'green' });
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };

  const afterMerge = (result: MergeResult) => {
    setDialog(null);
    if (result.customer.id === customer.id) setMerged(result);
    else void navigate(`/admin/customers/${result.customer.id}`, { state: { merged: result } });
  };

  return (
    <Stack gap="lg" data-testid="customer-profile" data-customer-id={customer.id}>
      <Stack gap={4}>
        <Anchor component={Link} to="/admin/customers" className={classes.back} data-testid="profile-back">
          ← {t('profile.back')}
        </Anchor>
        <Group justify="space-between" align="flex-end" className={classes.header}>
          <Stack gap={4} miw={0}>
            <Title order={1} size="h2" data-testid="profile-name">
              {name}
            </Title>
            <Group gap="xs">
              <ToneBadge tone="info">{t(`profile.type.${customer.type}`)}</ToneBadge>
              {customer.status !== 'active' && <ToneBadge tone={customer.status === 'banned' ? 'danger' : 'neutral'}>{t(`profile.status.${customer.status}`)}</ToneBadge>}
              {customer.marketing_consent && <ToneBadge tone="positive">{t('profile.marketing')}</ToneBadge>}
            </Group>
          </Stack>
          <Group gap="xs" className={classes.actions}>
            {mayUpdate && (
              <Button variant="default" onClick={() => setDialog('merge')} data-testid="open-merge">
                {t('profile.merge')}
              </Button>
            )}
            {mayExport && (
              <Button variant="default" onClick={() => void exportData()} loading={exporting} data-testid="export">
                {t('profile.export')}
              </Button>
            )}
            {mayErase && (
              <Button variant="outline" color="red" className={classes.danger} onClick={() => setDialog('erase')} data-testid="open-erase">
                {t('profile.erase')}
              </Button>
            )}
          </Group>
        </Group>
      </Stack>
      {merged && <MergedNotice result={merged} onClose={() => setMerged(null)} />}
      {exportError !== null && (
        <Alert color="red" role="alert" withCloseButton onClose={() => setExportError(null)} closeButtonLabel={t('close')}>
          {customerErrorText(exportError, t, 'export')}
        </Alert>
      )}
      <Figures bookings={bookings} />
      <div className={classes.columns}>
        <div className={classes.main}>
          <HistoryCard bookings={bookings} onOpen={(booking) => setOpenBooking(booking.id)} />
        </div>
        <div className={classes.side}>
          <ContactCard key={`contact-${customer.updated_at}`} customer={customer} editable={mayUpdate} />
          <NotesCard key={`notes-${customer.updated_at}`} customer={customer} editable={mayUpdate} />
          <ConsentsCard customerId={customer.id} editable={mayUpdate} />
        </div>
      </div>
      {dialog === 'merge' && <MergeModal current={customer} onClose={() => setDialog(null)} onMerged={afterMerge} />}
      {dialog === 'erase' && (
        <EraseModal
          customer={customer}
          onClose={() => setDialog(null)}
          onErased={(answer) => {
            setDialog(null);
            onErased({ report: answer, name });
          }}
        />
      )}
      <BookingDrawer bookingId={openBooking} me={me} onClose={() => setOpenBooking(null)} />
    </Stack>
  );
}

/** A customer's profile at /admin/customers/:id. */
export function CustomerProfile({ id, me }: { id: string; me: Me }) {
  const { t } = useTranslation(['customers', 'admin']);
  const location = useLocation();
  const customer = useCustomer(id);
  const initialMerge = (location.state as { merged?: MergeResult } | null)?.merged ?? null;
  const [erased, setErased] = useState<{ report: DeletionReport; name: string } | null>(null);
  if (erased) return <ErasureReport report={erased.report} name={erased.name} />;
  if (customer.isPending) {
    return (
      <Stack gap="lg" aria-busy="true">
        <Skeleton height={40} width={280} />
        <Skeleton height={80} />
        <Skeleton height={240} />
      </Stack>
    );
  }
  if (customer.isError) {
    const gone = customer.error instanceof ApiError && customer.error.status === 404;
    return (
      <Paper withBorder p="lg" radius="md" data-testid="customer-missing">
        <Stack gap="sm" align="flex-start">
          <Text fw={600}>{gone ? t('profile.gone') : customerErrorText(customer.error, t)}</Text>
          {gone && (
            <Text size="sm" c="dimmed">
              {t('profile.goneHint')}
            </Text>
          )}
          <Group gap="xs">
            <Button component={Link} to="/admin/customers" variant="default">
              {t('profile.back')}
            </Button>
            {!gone && <Button onClick={() => void customer.refetch()}>{t('retry')}</Button>}
          </Group>
        </Stack>
      </Paper>
    );
  }
  return <ProfileBody customer={customer.data} me={me} initialMerge={initialMerge} onErased={setErased} />;
}
