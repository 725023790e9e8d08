import { Anchor, Button, Group, Skeleton, Text } from '@mantine/core';
import { ApiError } from '@reservehub/api-client';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fullName } from '../customers/customer-facts.ts';
import { useCustomer } from '../customers/use-customers.ts';
import { ToneBadge, type Tone } from '../ui/tone-badge.tsx';
import { deadlineOf } from './privacy-facts.ts';
import classes from './privacy.module.css';
import type { PrivacyRequest } from './use-privacy.ts';

/** "12 mar" this year, "12 mar 2025" otherwise, in the business's zone. */
export function shortDate(instant: string, zone: string, language: string): string {
  const sameYear = new Date(instant).getUTCFullYear() === new Date().getUTCFullYear();
  return new Intl.DateTimeFormat(language, { timeZone: zone, day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) }).format(new Date(instant));
}

/** The customer a request is about, linking to their profile; erased customers are said to be so. */
function CustomerName({ id }: { id: string }) {
  const { t } = useTranslation('privacy');
  const customer = useCustomer(id);
  if (customer.isPending) return <Skeleton height={18} width={140} aria-hidden />;
  if (customer.isError) {
    const gone = customer.error instanceof ApiError && customer.error.status === 404;
    return (
      <Text size="sm" c="dimmed">
        {gone ? t('list.customerGone') : '—'}
      </Text>
    );
  }
  return (
    <Anchor component={Link} to={`/admin/customers/${id}`} size="sm" fw={600} className={classes.ellipsis} data-testid="privacy-request-customer">
      {fullName(customer.data)}
    </Anchor>
  );
}

/** The badge that says where a request stands: how long until (or since) its deadline, or how it was closed. */
function StandingBadge({ request, zone }: { request: PrivacyRequest; zone: string }) {
  const { t } = useTranslation('privacy');
  if (request.status !== 'open') {
    return (
      <ToneBadge tone={request.status === 'completed' ? 'positive' : 'neutral'} testId="privacy-request-standing">
        {t(`due.${request.status}`)}
      </ToneBadge>
    );
  }
  const deadline = deadlineOf(request, zone);
  const tone: Tone = deadline.state === 'overdue' ? 'danger' : deadline.state === 'later' ? 'info' : 'warning';
  const words =
    deadline.state === 'overdue'
      ? deadline.days === 0
        ? t('due.overdueToday')
        : t('due.overdue', { count: deadline.days })
      : deadline.state === 'today'
        ? t('due.today')
        : t(`due.${deadline.state}`, { count: deadline.days });
  return (
    <ToneBadge tone={tone} testId="privacy-request-standing">
      {words}
    </ToneBadge>
  );
}

export type RequestAction = 'complete' | 'refuse' | 'extend';

/**
 * One request in the register: what was asked, by whom, when it came in and how, its deadline (and its
 * extension) or outcome; an open one offers to mark it answered, to refuse it, or once to extend its deadline.
 */
export function RequestRow({ request, zone, onAction }: { request: PrivacyRequest; zone: string; onAction: (request: PrivacyRequest, verb: RequestAction) => void }) {
  const { t, i18n } = useTranslation('privacy');
  const open = request.status === 'open';
  const received = t('list.received', { date: shortDate(request.received_at, zone, i18n.language), channel: t(`channel.${request.channel}`) });
  const when = open
    ? t('list.dueOn', { date: shortDate(request.due_at, zone, i18n.language) })
    : request.completed_at
      ? t('list.closedOn', { date: shortDate(request.completed_at, zone, i18n.language) })
      : null;
  const selfServeHint = open && request.customer_id && (request.kind === 'access' || request.kind === 'portability' ? 'exportHint' : request.kind === 'erasure' ? 'eraseHint' : null);
  return (
    <li
      className={classes.row}
      data-testid="privacy-request"
      data-request-id={request.id}
      data-kind={request.kind}
      data-status={request.status}
      data-overdue={open && request.overdue ? 'true' : 'false'}
    >
      <div className={classes.rowMain}>
        <Text fw={700}>{t(`kind.${request.kind}`)}</Text>
        {request.customer_id ? (
          <CustomerName id={request.customer_id} />
        ) : (
          <Text size="sm" c="dimmed">
            {t('list.noCustomer')}
          </Text>
        )}
        <Text size="sm" c="dimmed">
          {when ? `${received} · ${when}` : received}
        </Text>
        {request.outcome && (
          <Text size="sm" className={classes.outcome} data-testid="privacy-request-outcome">
            {t(request.status === 'refused' ? 'list.reason' : 'list.outcome', { outcome: request.outcome })}
          </Text>
        )}
        {request.extension && (
          <Text size="sm" className={classes.outcome} data-testid="privacy-request-extension">
            {t('list.extended', { date: shortDate(request.extension.original_due_at, zone, i18n.language), reason: request.extension.reason })}
          </Text>
        )}
        {selfServeHint && (
          <Text size="sm" c="dimmed">
            {t(`list.${selfServeHint}`)}
          </Text>
        )}
      </div>
      <div className={classes.rowBadge}>
        <StandingBadge request={request} zone={zone} />
      </div>
      {open && (
        <Group gap="xs" className={classes.rowActions}>
          <Button size="xs" variant="default" onClick={() => onAction(request, 'complete')} data-testid="privacy-request-complete">
            {t('list.complete')}
          </Button>
          <Button size="xs" variant="subtle" className={classes.danger} onClick={() => onAction(request, 'refuse')} data-testid="privacy-request-refuse">
            {t('list.refuse')}
          </Button>
          {!request.extension && (
            <Button size="xs" variant="subtle" onClick={() => onAction(request, 'extend')} data-testid="privacy-request-extend">
              {t('list.extend')}
            </Button>
          )}
        </Group>
      )}
    </li>
  );
}
