import { Button, Group, Loader, Modal, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../reports/format.ts';
import { errorText } from '../../ui/error-text.ts';
import { ToneBadge } from '../../ui/tone-badge.tsx';
import platformClasses from '../platform.module.css';
import classes from './support.module.css';
import { SUPPORT_NAMESPACES } from './support-words.ts';
import { useConsistency, useRepairConsistency, type ConsistencyFinding } from './use-support.ts';

/** One finding in plain words, with the ids support quotes to the business or an engineer. */
function FindingItem({ finding }: { finding: ConsistencyFinding }) {
  const { t, i18n } = useTranslation(SUPPORT_NAMESPACES);
  const money = (amount: number | null) => formatMoney(i18n.language, amount ?? 0, finding.currency);
  const ids = [
    ...[finding.booking_id].map((id) => ({ kind: 'booking', id })),
    ...finding.resource_ids.map((id) => ({ kind: 'resource', id })),
    ...finding.payment_ids.map((id) => ({ kind: 'payment', id })),
  ];
  return (
    <li className={classes.finding} data-testid="consistency-finding" data-kind={finding.kind} data-booking={finding.booking_id}>
      <div>
        <ToneBadge tone={finding.repairable ? 'warning' : 'danger'}>{finding.repairable ? t('consistency.repairable') : t('consistency.needsPerson')}</ToneBadge>
      </div>
      <Text className={classes.findingText}>
        {t(`consistency.kind.${finding.kind}`, {
          number: finding.booking_number,
          status: t(`bookingStatus.${finding.status}`, { defaultValue: finding.status }),
          recorded: money(finding.recorded_paid),
          paid: money(finding.payments_paid),
          amount: money(finding.amount),
        })}
      </Text>
      <Text className={classes.ids}>{ids.map((entry) => `${t(`consistency.idOf.${entry.kind}`)} ${entry.id}`).join(' · ')}</Text>
    </li>
  );
}

/**
 * The business's bookings checked against their occupancy and payments, on request: the findings
 * in words, and "Repair what is safe" behind a confirmation, then what was repaired and what is left.
 */
export function ConsistencyCard({ tenantId }: { tenantId: string }) {
  const { t, i18n } = useTranslation(SUPPORT_NAMESPACES);
  const { t: adminT } = useTranslation('admin');
  const [asked, setAsked] = useState(false);
  const report = useConsistency(tenantId, asked);
  const repair = useRepairConsistency(tenantId);
  const [confirming, { open, close }] = useDisclosure(false);
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const data = report.data;
  const result = repair.data;

  return (
    <section className={platformClasses.panel} aria-labelledby="consistency-title" data-testid="consistency">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="sm">
          <div>
            <Title order={2} size="h3" id="consistency-title">
              {t('consistency.title')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('consistency.intro')}
            </Text>
          </div>
          <Group gap="sm">
            <Button
              size="xs"
              variant="default"
              loading={report.isFetching}
              data-testid="consistency-run"
              onClick={() => {
                repair.reset();
                if (asked) void report.refetch();
                else setAsked(true);
              }}
            >
              {data ? t('consistency.runAgain') : t('consistency.run')}
            </Button>
            {data && data.repairable > 0 && (
              <Button size="xs" onClick={open} data-testid="consistency-repair">
                {t('consistency.repair')}
              </Button>
            )}
          </Group>
        </Group>

        <div role="status" aria-live="polite" data-testid="consistency-status">
          {report.isFetching && !data && <Loader size="sm" aria-label={adminT('loading')} />}
          {report.isError && (
            <Text size="sm" c="red.9">
              {errorText(report.error, adminT)}
            </Text>
          )}
          {repair.isError && (
            <Text size="sm" c="red.9">
              {errorText(repair.error, adminT)}
            </Text>
          )}
          {result && (
            <Stack gap={2} data-testid="consistency-result">
              <Text size="sm" fw={600}>
                {result.repaired.length > 0 ? t('consistency.repaired', { count: result.repaired.length }) : t('consistency.nothingRepaired')}
              </Text>
              {result.failed.length > 0 && (
                <Text size="sm" c="red.9">
                  {t('consistency.failed', { count: result.failed.length })}
                </Text>
              )}
              {result.after.findings.length > 0 && <Text size="sm">{t('consistency.left', { count: result.after.findings.length })}</Text>}
            </Stack>
          )}
          {data && !result && data.findings.length > 0 && (
            <Text size="sm" fw={600}>
              {t('consistency.found', { count: data.findings.length, repairable: data.repairable })}
            </Text>
          )}
        </div>

        {data && data.findings.length === 0 && (
          <div>
            <ToneBadge tone="positive" testId="consistency-clear">
              {t('consistency.clear')}
            </ToneBadge>
          </div>
        )}
        {data && data.findings.length > 0 && (
          <ul className={classes.rows} data-testid="consistency-findings">
            {data.findings.map((finding) => (
              <FindingItem key={`${finding.kind}-${finding.booking_id}`} finding={finding} />
            ))}
          </ul>
        )}
        {data && (
          <Text size="xs" c="dimmed">
            {t('consistency.checkedAt', { when: when.format(new Date(data.checked_at)) })}
          </Text>
        )}
      </Stack>

      {/* lockScroll off: Mantine's scroll lock writes a <style> element, which the page's CSP refuses. */}
      <Modal
        opened={confirming}
        onClose={close}
        title={t('consistency.confirmTitle', { count: data?.repairable ?? 0 })}
        centered
        lockScroll={false}
        closeButtonProps={{ 'aria-label': t('consistency.cancel') }}
      >
        <Stack>
          <Text size="sm">{t('consistency.confirmBody')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('consistency.cancel')}
            </Button>
            <Button
              loading={repair.isPending}
              data-testid="consistency-confirm"
              onClick={() => repair.mutate(undefined, { onSettled: close })}
            >
              {t('consistency.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </section>
  );
}
