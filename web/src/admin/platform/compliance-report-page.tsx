import { Alert, Button, Paper, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { can, type Me } from '../session/use-session.ts';
import teamClasses from '../team/team.module.css';
import { saveFile } from '../ui/save-file.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import classes from './compliance.module.css';
import { calendarDay, COMPLIANCE_NAMESPACES, reportErrorText, dayOf, defaultPeriod, momentOf, type ComplianceT } from './compliance-words.ts';
import { Figure } from './compliance-figure.tsx';
import { useComplianceReport, type ComplianceReport } from './use-compliance.ts';
import { useComplianceTenantList } from './use-platform.ts';
import { DateField } from '../ui/date-field.tsx';

/** The file a downloaded report is saved as: the business and the period, so a folder of them sorts itself. */
export function reportFileName(report: ComplianceReport): string {
  return `compliance-report-${report.tenant.slug}-${report.period.from}-${report.period.to}.json`;
}

/**
 * /platform/compliance-report: one business's compliance report for a period, for the platform's auditors and
 * administrators. The business and the dates are kept in the URL (a year to today unless chosen); the report
 * reads as a document in sections, prints on its own (the console's frame stays off the paper) and downloads
 * as the JSON the API answered.
 */
export function ComplianceReportPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(COMPLIANCE_NAMESPACES);
  const [params, setParams] = useSearchParams();
  const fallback = useMemo(() => defaultPeriod(), []);
  const tenantId = params.get('tenant_id');
  const from = params.get('from') || fallback.from;
  const to = params.get('to') || fallback.to;
  const report = useComplianceReport(tenantId, from, to, i18n.language.startsWith('es') ? 'es' : 'en');
  const tenantList = useComplianceTenantList();

  const set = (key: 'tenant_id' | 'from' | 'to', value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const businesses = (tenantList.data ?? []).map((tenant) => ({ value: tenant.id, label: tenant.name })).sort((a, b) => a.label.localeCompare(b.label, i18n.language));
  const businessData =
    tenantId && !businesses.some((business) => business.value === tenantId) ? [...businesses, { value: tenantId, label: report.data?.tenant.name ?? tenantId }] : businesses;
  const download = (data: ComplianceReport) => {
    const name = reportFileName(data);
    saveFile(new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' }), name);
    notifications.show({ color: 'green', message: t('compliance:report.downloaded', { name }) });
  };

  return (
    <Stack gap="lg" className={teamClasses.page} data-testid="platform-compliance-report">
      <div>
        <Title order={1}>{t('compliance:report.title')}</Title>
        <Text c="dimmed" className={`${teamClasses.help} ${classes.noPrint}`}>
          {t('compliance:report.intro')}
        </Text>
      </div>

      <Paper withBorder radius="md" p="md" component="section" aria-label={t('compliance:report.choose')} className={classes.noPrint}>
        <Stack gap="md">
          <div className={classes.controls}>
            <Select
              label={t('compliance:report.business')}
              placeholder={t('compliance:report.businessHint')}
              data={businessData}
              value={tenantId}
              onChange={(value) => set('tenant_id', value)}
              searchable
              nothingFoundMessage={t('compliance:privacy.noBusiness')}
              data-testid="report-business"
            />
            <DateField label={t('compliance:report.from')} value={from} max={to} onChange={(value) => set('from', value)} data-testid="report-from" />
            <DateField label={t('compliance:report.to')} value={to} min={from} onChange={(value) => set('to', value)} data-testid="report-to" />
          </div>
          <Text size="xs" c="dimmed">
            {t('compliance:report.periodHelp')}
          </Text>
          {report.data && (
            <div className={classes.actions}>
              <Button onClick={() => window.print()} data-testid="report-print">
                {t('compliance:report.print')}
              </Button>
              {can(me, 'export', 'Compliance') && (
                <Button variant="default" onClick={() => download(report.data)} data-testid="report-download">
                  {t('compliance:report.download')}
                </Button>
              )}
            </div>
          )}
        </Stack>
      </Paper>

      {tenantId === null ? (
        <div className={teamClasses.empty} data-testid="report-pick">
          {t('compliance:report.pick')}
        </div>
      ) : report.isError ? (
        <Alert color="red" role="alert" title={t('compliance:report.loadFailed')} data-testid="report-error">
          {reportErrorText(report.error, t)}
        </Alert>
      ) : report.isPending ? (
        <Stack gap={8} aria-label={t('compliance:report.loading')} data-testid="report-loading">
          <Skeleton h={96} />
          <Skeleton h={240} />
          <Skeleton h={160} />
        </Stack>
      ) : (
        <ReportDocument report={report.data} t={t} language={i18n.language} />
      )}
    </Stack>
  );
}

/** The report as a document: who and when, then one section per subject. */
function ReportDocument({ report, t, language }: { report: ComplianceReport; t: ComplianceT; language: string }) {
  const number = new Intl.NumberFormat(language);
  const n = (value: number) => number.format(value);
  const { customers, privacy_requests: requests, access, audit } = report;
  return (
    <article className={classes.report} aria-labelledby="report-name" data-testid="report-document">
      <header className={classes.reportHead}>
        <h2 className={classes.reportName} id="report-name" data-testid="report-name">
          {report.tenant.name}
        </h2>
        <span className={classes.reportPeriod} data-testid="report-period">
          {t('compliance:report.period', { from: calendarDay(report.period.from, language), to: calendarDay(report.period.to, language) })}
        </span>
        <Text size="sm" c="dimmed">
          {t('compliance:report.generated', { date: momentOf(report.generated_at, language) })}
        </Text>
        <dl className={classes.facts}>
          <Fact label={t('compliance:report.slug')}>{report.tenant.slug}</Fact>
          <Fact label={t('compliance:report.state')}>{t(`admin:platform.statuses.${report.tenant.status}`, { defaultValue: report.tenant.status })}</Fact>
          <Fact label={t('compliance:report.plan')}>{report.tenant.plan_id}</Fact>
          <Fact label={t('compliance:report.since')}>{dayOf(report.tenant.created_at, language)}</Fact>
        </dl>
      </header>

      <Section id="report-processing" title={t('compliance:report.processing')} help={t('compliance:report.processingHelp')}>
        <table className={classes.docTable} data-testid="report-processing">
          <thead>
            <tr>
              <th scope="col">{t('compliance:report.category')}</th>
              <th scope="col">{t('compliance:report.purposes')}</th>
              <th scope="col">{t('compliance:report.recipients')}</th>
              <th scope="col">{t('compliance:report.retentionColumn')}</th>
            </tr>
          </thead>
          <tbody>
            {report.processing.map((activity, index) => (
              <tr key={`${activity.category}-${index}`} data-category={activity.category}>
                <td className={classes.categoryCell}>{t(`compliance:report.categories.${activity.category}`, { defaultValue: activity.category.replaceAll('_', ' ') })}</td>
                <td data-label={t('compliance:report.purposes')} lang={report.language}>
                  <Statements items={activity.purposes} />
                </td>
                <td data-label={t('compliance:report.recipients')} lang={report.language}>
                  <Statements items={activity.recipients} />
                </td>
                <td data-label={t('compliance:report.retentionColumn')} lang={report.language}>
                  {activity.retention}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section id="report-retention" title={t('compliance:report.retention')}>
        <ul className={classes.statements} data-testid="report-retention">
          <li>{t('compliance:report.guests', { count: report.retention.guest_customers_months })}</li>
          <li>{t('compliance:report.consentEvidence', { count: report.retention.consent_evidence_years })}</li>
        </ul>
      </Section>

      <Section id="report-customers" title={t('compliance:report.customers')}>
        <div className={classes.figures} data-columns="5">
          <Figure label={t('compliance:report.customersCurrent')} value={n(customers.current)} testId="report-customers-current" />
          <Figure label={t('compliance:report.customersRegistered')} value={n(customers.registered)} testId="report-customers-registered" />
          <Figure label={t('compliance:report.customersGuests')} value={n(customers.guests)} testId="report-customers-guests" />
          <Figure label={t('compliance:report.customersMarketing')} value={n(customers.with_marketing_consent)} testId="report-customers-marketing" />
          <Figure label={t('compliance:report.customersErased')} value={n(customers.erased_in_period)} testId="report-customers-erased" />
        </div>
      </Section>

      <Section id="report-requests" title={t('compliance:report.requests')}>
        <div className={classes.figures} data-columns="3">
          <Figure label={t('compliance:report.requestsReceived')} value={n(requests.received_in_period)} testId="report-requests-received" />
          <Figure label={t('compliance:report.requestsCompleted')} value={n(requests.completed_in_period)} testId="report-requests-completed" />
          <Figure label={t('compliance:report.requestsRefused')} value={n(requests.refused_in_period)} testId="report-requests-refused" />
          <Figure label={t('compliance:report.requestsOpen')} value={n(requests.open)} testId="report-requests-open" />
          <Figure label={t('compliance:report.requestsOverdue')} value={n(requests.overdue)} alert={requests.overdue > 0} testId="report-requests-overdue" />
          <Figure
            label={t('compliance:report.requestsMedian')}
            value={requests.median_days_to_close === null ? '—' : t('compliance:report.days', { count: requests.median_days_to_close })}
            hint={requests.median_days_to_close === null ? t('compliance:report.noneClosed') : undefined}
            testId="report-requests-median"
          />
        </div>
      </Section>

      <AccessSection access={access} t={t} n={n} />

      <Section id="report-impersonations" title={t('compliance:report.impersonations')} help={t('compliance:report.impersonationsHelp')}>
        {report.platform_access.impersonations.length === 0 ? (
          <p className={classes.prose} data-testid="report-no-impersonations">
            {t('compliance:report.noImpersonations')}
          </p>
        ) : (
          <table className={classes.docTable} data-testid="report-impersonations">
            <thead>
              <tr>
                <th scope="col">{t('compliance:report.when')}</th>
                <th scope="col">{t('compliance:report.who')}</th>
                <th scope="col">{t('compliance:report.mode')}</th>
                <th scope="col">{t('compliance:report.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {report.platform_access.impersonations.map((visit, index) => (
                <tr key={`${visit.at}-${index}`} data-testid="report-impersonation">
                  <td className={classes.whenCell}>{momentOf(visit.at, language)}</td>
                  <td data-label={t('compliance:report.who')}>{visit.by ?? t('compliance:report.removedPerson')}</td>
                  <td data-label={t('compliance:report.mode')}>
                    <ToneBadge tone={visit.read_only ? 'info' : 'warning'}>{visit.read_only ? t('compliance:report.readOnly') : t('compliance:report.canWrite')}</ToneBadge>
                  </td>
                  <td data-label={t('compliance:report.reason')}>{visit.reason ?? t('compliance:report.noReason')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section id="report-audit" title={t('compliance:report.audit')}>
        <div className={classes.figures} data-columns="3">
          <Figure label={t('compliance:report.auditEntries')} value={n(audit.entries_in_period)} testId="report-audit-entries" />
          <Figure label={t('compliance:report.auditExports')} value={n(audit.customer_data_exports)} testId="report-audit-exports" />
          <Figure label={t('compliance:report.auditErasures')} value={n(audit.customer_erasures)} testId="report-audit-erasures" />
        </div>
      </Section>

      <Section id="report-card-data" title={t('compliance:report.cardData')}>
        <p className={classes.prose} lang={report.language} data-testid="report-card-data">
          {report.card_data}
        </p>
      </Section>
    </article>
  );
}

/** Who can reach the business's data: the team by role, owners' second factors, API keys; what to raise, in amber. */
function AccessSection({ access, t, n }: { access: ComplianceReport['access']; t: ComplianceT; n: (value: number) => string }) {
  const ownersWithout = Math.max(0, access.owners - access.owners_with_two_factor);
  const roles = Object.entries(access.members_by_role).sort((a, b) => b[1] - a[1]);
  return (
    <Section id="report-access" title={t('compliance:report.access')}>
      {(ownersWithout > 0 || !access.two_factor_required_for_owners) && (
        <div className={classes.review} role="note" data-testid="report-access-review">
          <p className={classes.reviewTitle}>{t('compliance:report.toReview')}</p>
          <ul>
            {ownersWithout > 0 && <li data-testid="report-owners-without-mfa">{t('compliance:report.ownersWithout', { count: ownersWithout })}</li>}
            {!access.two_factor_required_for_owners && <li data-testid="report-mfa-not-required">{t('compliance:report.notRequired')}</li>}
          </ul>
        </div>
      )}
      <div className={classes.accessGrid}>
        <div>
          <h4 className={classes.subTitle}>{t('compliance:report.members')}</h4>
          {roles.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('compliance:report.noMembers')}
            </Text>
          ) : (
            <dl className={classes.pairs} data-testid="report-members">
              {roles.map(([role, count]) => (
                <PairRow key={role} label={t(`admin:roles.${role}`, { defaultValue: role })} testId={`report-role-${role}`}>
                  {n(count)}
                </PairRow>
              ))}
            </dl>
          )}
        </div>
        <div>
          <h4 className={classes.subTitle}>{t('compliance:report.protection')}</h4>
          <dl className={classes.pairs}>
            <PairRow label={t('compliance:report.owners')} testId="report-owners-mfa" warning={ownersWithout > 0}>
              {t('compliance:report.ownersValue', { with: n(access.owners_with_two_factor), total: n(access.owners) })}
            </PairRow>
            <PairRow label={t('compliance:report.mfaRequired')} testId="report-mfa-required" warning={!access.two_factor_required_for_owners}>
              {access.two_factor_required_for_owners ? t('compliance:report.yes') : t('compliance:report.no')}
            </PairRow>
            <PairRow label={t('compliance:report.apiKeys')} testId="report-api-keys">
              {n(access.active_api_keys)}
            </PairRow>
          </dl>
        </div>
      </div>
    </Section>
  );
}

function Section({ id, title, help, children }: { id: string; title: string; help?: string; children: ReactNode }) {
  return (
    <section className={classes.section} aria-labelledby={id}>
      <h3 className={classes.sectionTitle} id={id}>
        {title}
      </h3>
      {help && <p className={classes.sectionHelp}>{help}</p>}
      {children}
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={classes.fact}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function PairRow({ label, children, warning = false, testId }: { label: string; children: ReactNode; warning?: boolean; testId: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={warning ? classes.warningValue : undefined} data-testid={testId}>
        {children}
      </dd>
    </>
  );
}

function Statements({ items }: { items: readonly string[] }) {
  if (items.length === 0) return <>—</>;
  if (items.length === 1) return <>{items[0]}</>;
  return (
    <ul>
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  );
}
