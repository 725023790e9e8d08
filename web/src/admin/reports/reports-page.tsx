import { Alert, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useLocations, useResources } from '../desk/use-desk.ts';
import { can, type Me } from '../session/use-session.ts';
import { errorText } from '../ui/error-text.ts';
import { BarChart, heatLevel, TrendChart } from './charts.tsx';
import { changeOf, formatBps, formatCount, formatDay, formatHours, formatMoney, hourLabel, weekdayName } from './format.ts';
import { datesOf, daysBetween, MAX_DAYS, PRESETS, readView, todayIn, writeView, type ReportView } from './period.ts';
import { ExportButtons, ReportCard } from './report-card.tsx';
import classes from './reports.module.css';
import {
  queryOf,
  useCustomers,
  useDaily,
  useFunnel,
  useHeatmap,
  useOverview,
  useServiceList,
  useServices,
  useStaff,
  type Audience,
  type DailyRow,
  type Figures,
  type HeatmapCell,
} from './use-reports.ts';
import { WeeklySummarySwitch } from './weekly-summary-switch.tsx';

/** Whether the person reads the business's figures, their own (staff), or none. */
export function reportsAudience(me: Me): Audience | null {
  if (can(me, 'read', 'Report')) return 'business';
  if (me.role === 'staff') return 'own';
  return null;
}

/** Money figures by currency as one line ("1.200,00 € · 40,00 US$"); zero in no currency is "0". */
function moneyLine(locale: string, amounts: ReadonlyArray<{ currency: string; amount: number }>): string {
  if (amounts.length === 0) return formatCount(locale, 0);
  return amounts.map((item) => formatMoney(locale, item.amount, item.currency)).join(' · ');
}

interface KpiProps {
  label: string;
  value: string;
  testId: string;
  /** Change against the previous period, already in words; null when there is nothing to compare with. */
  change?: string | null;
  hint?: string;
}

function Kpi({ label, value, testId, change, hint }: KpiProps) {
  return (
    <div className={classes.kpi} data-testid={testId}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <div className={classes.kpiValue} data-testid={`${testId}-value`}>
        {value}
      </div>
      {change !== undefined && (
        <Text size="xs" c="dimmed">
          {change}
        </Text>
      )}
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </div>
  );
}

/** The page's filters: period presets or a custom range, and location, service and staff (the business's view). */
function Filters({ view, audience, onChange }: { view: ReportView; audience: Audience; onChange: (next: Partial<ReportView>) => void }) {
  const { t, i18n } = useTranslation('admin');
  const locations = useLocations();
  const resources = useResources();
  const services = useServiceList();
  return (
    <Group gap="sm" align="flex-end" className={classes.filters}>
      <Select
        label={t('reports.period')}
        value={view.preset}
        allowDeselect={false}
        onChange={(value) => {
          const preset = PRESETS.find((candidate) => candidate === value);
          if (preset) onChange({ preset });
        }}
        data={PRESETS.map((preset) => ({ value: preset, label: t(`reports.presets.${preset}`) }))}
        className={classes.filter}
        data-testid="filter-period"
      />
      {view.preset === 'custom' && (
        <DatePickerInput
          type="range"
          label={t('reports.range')}
          value={[view.from, view.to]}
          onChange={([from, to]) => {
            if (from && to && daysBetween(from, to) < MAX_DAYS) onChange({ preset: 'custom', from, to });
          }}
          valueFormat="D MMM YYYY"
          locale={i18n.language}
          maxLevel="year"
          className={classes.filter}
          data-testid="filter-range"
        />
      )}
      {audience === 'business' && (locations.data?.length ?? 0) > 1 && (
        <Select
          label={t('reports.location')}
          placeholder={t('reports.all')}
          clearable
          value={view.locationId}
          onChange={(value) => onChange({ locationId: value })}
          data={(locations.data ?? []).map((location) => ({ value: location.id, label: location.name }))}
          className={classes.filter}
          data-testid="filter-location"
        />
      )}
      <Select
        label={t('reports.service')}
        placeholder={t('reports.all')}
        clearable
        value={view.serviceId}
        onChange={(value) => onChange({ serviceId: value })}
        data={(services.data ?? []).map((service) => ({ value: service.id, label: service.name }))}
        className={classes.filter}
        data-testid="filter-service"
      />
      {audience === 'business' && (
        <Select
          label={t('reports.staffFilter')}
          placeholder={t('reports.everyone')}
          clearable
          value={view.resourceId}
          onChange={(value) => onChange({ resourceId: value })}
          data={(resources.data ?? []).map((resource) => ({ value: resource.id, label: resource.name }))}
          className={classes.filter}
          data-testid="filter-staff"
        />
      )}
    </Group>
  );
}

/** A plain table with numeric columns aligned right. */
function DataTable({ caption, head, rows, testId }: { caption: string; head: Array<{ label: string; numeric?: boolean }>; rows: ReactNode[][]; testId: string }) {
  return (
    <Table striped highlightOnHover verticalSpacing={6} data-testid={testId}>
      <Table.Caption className={classes.srOnly}>{caption}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          {head.map((column) => (
            <Table.Th key={column.label} scope="col" className={column.numeric ? classes.num : undefined}>
              {column.label}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((cells, index) => (
          <Table.Tr key={index}>
            {cells.map((cell, column) =>
              column === 0 ? (
                <Table.Th key={column} scope="row" fw={500}>
                  {cell}
                </Table.Th>
              ) : (
                <Table.Td key={column} className={head[column]?.numeric ? classes.num : undefined}>
                  {cell}
                </Table.Td>
              ),
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Revenue of completed bookings by currency. */
const serviceRevenue = (figures: Figures) => figures.revenue.map((money) => ({ currency: money.currency, amount: money.service_revenue }));

function Headline({ audience, view }: { audience: Audience; view: ReportView }) {
  const { t, i18n } = useTranslation('admin');
  const locale = i18n.language;
  const query = queryOf(view);
  const overview = useOverview(audience, query);
  const customers = useCustomers(audience === 'business', query);
  const percentChange = (current: number, previous: number) => {
    const change = changeOf(current, previous);
    return change === null ? t('reports.noComparison') : t('reports.change', { value: `${change > 0 ? '+' : ''}${formatBps(locale, change)}` });
  };
  const pointChange = (current: number | null, previous: number | null) => {
    if (current === null || previous === null) return t('reports.noComparison');
    const points = (current - previous) / 100;
    return t('reports.pointChange', { value: `${points > 0 ? '+' : ''}${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(points)}` });
  };
  if (overview.isError) return <Alert color="red" data-testid="report-error">{errorText(overview.error, t)}</Alert>;
  const current = overview.data?.current;
  const previous = overview.data?.previous;
  const money = (figures: Figures | undefined) => (figures ? serviceRevenue(figures) : []);
  const total = (figures: Figures | undefined) => money(figures).reduce((sum, item) => sum + item.amount, 0);
  return (
    <section aria-labelledby="report-headline" data-testid="report-overview">
      <div className={classes.cardHead}>
        <Title order={2} size="h4" id="report-headline">
          {t('reports.headline')}
        </Title>
        {current && <ExportButtons audience={audience} table="overview" query={query} label={t('reports.headline')} />}
      </div>
      <div className={classes.kpis} aria-busy={overview.isFetching || customers.isFetching}>
        <Kpi
          label={t('reports.kpi.bookings')}
          value={current ? formatCount(locale, current.bookings.total) : '…'}
          change={current && previous ? percentChange(current.bookings.total, previous.bookings.total) : null}
          testId="kpi-bookings"
        />
        <Kpi
          label={t('reports.kpi.revenue')}
          value={current ? moneyLine(locale, money(current)) : '…'}
          change={current && previous && money(current).length <= 1 ? percentChange(total(current), total(previous)) : null}
          hint={current ? t('reports.kpi.collected', { amount: moneyLine(locale, current.revenue.map((item) => ({ currency: item.currency, amount: item.net_collected }))) }) : undefined}
          testId="kpi-revenue"
        />
        <Kpi
          label={t('reports.kpi.noShow')}
          value={current ? formatBps(locale, current.no_show_rate_bps) : '…'}
          change={current && previous ? pointChange(current.no_show_rate_bps, previous.no_show_rate_bps) : null}
          testId="kpi-no-show"
        />
        <Kpi
          label={t('reports.kpi.cancellation')}
          value={current ? formatBps(locale, current.cancellation_rate_bps) : '…'}
          change={current && previous ? pointChange(current.cancellation_rate_bps, previous.cancellation_rate_bps) : null}
          testId="kpi-cancellation"
        />
        <Kpi
          label={t('reports.kpi.utilisation')}
          value={current ? formatBps(locale, current.utilisation.rate_bps) : '…'}
          change={current && previous ? pointChange(current.utilisation.rate_bps, previous.utilisation.rate_bps) : null}
          hint={current && current.utilisation.available_minutes > 0 ? t('reports.kpi.hoursOf', { booked: formatHours(locale, current.utilisation.booked_minutes), available: formatHours(locale, current.utilisation.available_minutes) }) : undefined}
          testId="kpi-utilisation"
        />
        {audience === 'business' && (
          <Kpi
            label={t('reports.kpi.customers')}
            value={customers.data ? t('reports.kpi.newReturning', { new: formatCount(locale, customers.data.current.new_customers), returning: formatCount(locale, customers.data.current.returning_customers) }) : '…'}
            hint={customers.data && customers.data.current.same_professional_rate_bps !== null ? t('reports.kpi.samePro', { rate: formatBps(locale, customers.data.current.same_professional_rate_bps) }) : undefined}
            testId="kpi-customers"
          />
        )}
      </div>
    </section>
  );
}

/** Bookings per day across currencies, every day of the period (days without bookings are zero). */
function trendOf(rows: readonly DailyRow[], from: string, to: string, locale: string) {
  const byDate = new Map<string, number>();
  for (const row of rows) byDate.set(row.date, (byDate.get(row.date) ?? 0) + row.bookings);
  return datesOf(from, to).map((date) => ({ date, label: formatDay(locale, date), value: byDate.get(date) ?? 0 }));
}

function HeatTable({ cells, caption }: { cells: readonly HeatmapCell[]; caption: string }) {
  const { t, i18n } = useTranslation('admin');
  const locale = i18n.language;
  const byKey = new Map(cells.map((cell) => [`${cell.weekday}:${cell.hour}`, cell]));
  const hours = cells.map((cell) => cell.hour);
  const first = Math.min(...hours);
  const last = Math.max(...hours);
  const weekdays = [1, 2, 3, 4, 5, 6, 7];
  return (
    <>
      <table className={classes.heat} data-testid="heatmap-table">
        <caption className={classes.srOnly}>{caption}</caption>
        <thead>
          <tr>
            <td />
            {weekdays.map((weekday) => (
              <th key={weekday} scope="col" abbr={weekdayName(locale, weekday, 'long')}>
                {weekdayName(locale, weekday)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: last - first + 1 }, (_, index) => first + index).map((hour) => (
            <tr key={hour}>
              <th scope="row">{hourLabel(locale, hour)}</th>
              {weekdays.map((weekday) => {
                const cell = byKey.get(`${weekday}:${hour}`);
                const level = heatLevel(cell?.utilisation_bps ?? null);
                const text = cell?.utilisation_bps == null ? (cell && cell.booked_minutes > 0 ? t('reports.heat.outside', { minutes: cell.booked_minutes }) : '–') : formatBps(locale, cell.utilisation_bps, 0);
                return (
                  <td
                    key={weekday}
                    data-level={level}
                    data-weekday={weekday}
                    data-hour={hour}
                    title={cell ? t('reports.heat.detail', { booked: cell.booked_minutes, available: cell.available_minutes, bookings: cell.bookings }) : undefined}
                  >
                    {text}
                    {cell && cell.available_minutes > 0 && (
                      <span className={classes.srOnly}> {t('reports.heat.detail', { booked: cell.booked_minutes, available: cell.available_minutes, bookings: cell.bookings })}</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div className={classes.legend} aria-hidden="true">
        <span>{t('reports.heat.legend')}</span>
        {[0, 1, 2, 3, 4].map((level) => (
          <span key={level} className={classes.swatch} data-level={level} />
        ))}
        <span>0 % → 100 %</span>
      </div>
    </>
  );
}

/** /admin/reports: the business's figures (or a staff member's own) for a period, each chart with its table. */
export function ReportsPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation('admin');
  const locale = i18n.language;
  const audience = reportsAudience(me);
  const locations = useLocations();
  const zone = locations.data?.[0]?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const today = todayIn(zone);
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => readView(params, today), [params, today]);
  const query = queryOf(view);
  const change = (next: Partial<ReportView>) => setParams(writeView({ ...view, ...next }), { replace: false });

  const reportsOn = audience ?? 'own';
  const daily = useDaily(reportsOn, query);
  const services = useServices(reportsOn, query);
  const staff = useStaff(reportsOn, query);
  const heatmap = useHeatmap(reportsOn, query);
  const funnel = useFunnel(audience === 'business', query);

  if (audience === null) {
    return (
      <Alert color="gray" data-testid="reports-none">
        {t('reports.none')}
      </Alert>
    );
  }
  const noBookings = (daily.data?.length ?? 0) === 0;
  const moneyCell = (amount: number, currency: string) => formatMoney(locale, amount, currency);
  const periodText = t('reports.periodText', { from: formatDay(locale, view.from, true), to: formatDay(locale, view.to, true) });

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {audience === 'own' ? t('reports.ownTitle') : t('reports.title')}
          </Title>
          <Text size="sm" c="dimmed" data-testid="report-period">
            {periodText}
          </Text>
        </div>
        {audience === 'business' && <WeeklySummarySwitch />}
      </Group>
      <Filters view={view} audience={audience} onChange={change} />
      <Headline audience={audience} view={view} />
      {!daily.isPending && !daily.isError && noBookings && (
        <Alert color="gray" data-testid="reports-empty" title={t('reports.emptyTitle')}>
          {t('reports.emptyHint')}
        </Alert>
      )}
      <div className={classes.cards}>
        <ReportCard
          table="daily"
          title={t('reports.trend.title')}
          description={t('reports.trend.description')}
          audience={audience}
          query={query}
          state={daily}
          empty={noBookings}
          emptyText={t('reports.emptyCard')}
          chart={<TrendChart points={trendOf(daily.data ?? [], view.from, view.to, locale)} formatValue={(value) => formatCount(locale, value)} />}
        >
          <DataTable
            caption={t('reports.trend.title')}
            testId="table-daily"
            head={[
              { label: t('reports.col.date') },
              { label: t('reports.col.bookings'), numeric: true },
              { label: t('reports.col.completed'), numeric: true },
              { label: t('reports.col.cancelled'), numeric: true },
              { label: t('reports.col.noShow'), numeric: true },
              { label: t('reports.col.revenue'), numeric: true },
            ]}
            rows={(daily.data ?? []).map((row) => [
              formatDay(locale, row.date, true),
              formatCount(locale, row.bookings),
              formatCount(locale, row.completed),
              formatCount(locale, row.cancelled),
              formatCount(locale, row.no_show),
              moneyCell(row.service_revenue, row.currency),
            ])}
          />
        </ReportCard>

        <ReportCard
          table="services"
          title={t('reports.services.title')}
          description={t('reports.services.description')}
          audience={audience}
          query={query}
          state={services}
          empty={(services.data?.length ?? 0) === 0}
          emptyText={t('reports.emptyCard')}
          chart={
            <BarChart
              testId="services-chart"
              bars={(services.data ?? []).map((row) => ({ key: `${row.service_id}-${row.currency}`, label: row.name, value: row.bookings, display: formatCount(locale, row.bookings) }))}
            />
          }
        >
          <DataTable
            caption={t('reports.services.title')}
            testId="table-services"
            head={[
              { label: t('reports.col.service') },
              { label: t('reports.col.bookings'), numeric: true },
              { label: t('reports.col.completed'), numeric: true },
              { label: t('reports.col.noShow'), numeric: true },
              { label: t('reports.col.revenue'), numeric: true },
              { label: t('reports.col.profit'), numeric: true },
              { label: t('reports.col.margin'), numeric: true },
            ]}
            rows={(services.data ?? []).map((row) => [
              row.name,
              formatCount(locale, row.bookings),
              formatCount(locale, row.completed),
              formatCount(locale, row.no_show),
              moneyCell(row.service_revenue, row.currency),
              row.profit === null ? '—' : moneyCell(row.profit, row.currency),
              formatBps(locale, row.margin_bps),
            ])}
          />
        </ReportCard>

        <ReportCard
          table="staff"
          title={audience === 'own' ? t('reports.staff.ownTitle') : t('reports.staff.title')}
          description={t('reports.staff.description')}
          audience={audience}
          query={query}
          state={staff}
          empty={(staff.data?.length ?? 0) === 0}
          emptyText={t('reports.emptyStaff')}
          chart={
            <BarChart
              testId="staff-chart"
              max={10_000}
              bars={(staff.data ?? []).map((row) => ({ key: row.resource_id, label: row.name, value: row.utilisation_bps ?? 0, display: formatBps(locale, row.utilisation_bps) }))}
            />
          }
        >
          <DataTable
            caption={t('reports.staff.title')}
            testId="table-staff"
            head={[
              { label: t('reports.col.staff') },
              { label: t('reports.col.bookings'), numeric: true },
              { label: t('reports.col.completed'), numeric: true },
              { label: t('reports.col.noShow'), numeric: true },
              { label: t('reports.col.revenue'), numeric: true },
              { label: t('reports.col.hours'), numeric: true },
              { label: t('reports.col.utilisation'), numeric: true },
              { label: t('reports.col.rebooking'), numeric: true },
            ]}
            rows={(staff.data ?? []).map((row) => [
              row.name,
              formatCount(locale, row.bookings),
              formatCount(locale, row.completed),
              formatCount(locale, row.no_show),
              moneyLine(locale, row.revenue.map((money) => ({ currency: money.currency, amount: money.service_revenue }))),
              `${formatHours(locale, row.booked_minutes)} / ${formatHours(locale, row.available_minutes)}`,
              formatBps(locale, row.utilisation_bps),
              formatBps(locale, row.rebooking_rate_bps),
            ])}
          />
        </ReportCard>

        <ReportCard
          table="heatmap"
          title={t('reports.heat.title')}
          description={t('reports.heat.description', { zone })}
          audience={audience}
          query={query}
          state={heatmap}
          empty={(heatmap.data?.length ?? 0) === 0}
          emptyText={t('reports.emptyHeat')}
        >
          <HeatTable cells={heatmap.data ?? []} caption={t('reports.heat.title')} />
        </ReportCard>

        {audience === 'business' && (
          <ReportCard
            table="funnel"
            title={t('reports.funnel.title')}
            description={
              funnel.data && funnel.data.conversion_bps !== null ? t('reports.funnel.description', { rate: formatBps(locale, funnel.data.conversion_bps) }) : t('reports.funnel.descriptionPlain')
            }
            audience={audience}
            query={query}
            state={funnel}
            empty={(funnel.data?.current ?? []).every((step) => step.count === 0)}
            emptyText={t('reports.emptyFunnel')}
            chart={
              <BarChart
                testId="funnel-chart"
                bars={(funnel.data?.current ?? []).map((step) => ({ key: step.step, label: t(`reports.funnel.steps.${step.step}`), value: step.count, display: formatCount(locale, step.count) }))}
              />
            }
          >
            <DataTable
              caption={t('reports.funnel.title')}
              testId="table-funnel"
              head={[
                { label: t('reports.col.step') },
                { label: t('reports.col.visitors'), numeric: true },
                { label: t('reports.col.fromPrevious'), numeric: true },
                { label: t('reports.col.previousPeriod'), numeric: true },
              ]}
              rows={(funnel.data?.current ?? []).map((step, index) => [
                t(`reports.funnel.steps.${step.step}`),
                formatCount(locale, step.count),
                formatBps(locale, step.from_previous_bps),
                formatCount(locale, funnel.data?.previous[index]?.count ?? 0),
              ])}
            />
          </ReportCard>
        )}
      </div>
    </Stack>
  );
}

export default ReportsPage;
