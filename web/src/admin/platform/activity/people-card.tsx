import { Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../ui/error-text.ts';
import { ToneBadge, type Tone } from '../../ui/tone-badge.tsx';
import platformClasses from '../platform.module.css';
import classes from './activity.module.css';
import { ACTIVITY_NAMESPACES } from './activity-words.ts';
import { useTenantPeople, type TenantMember } from './use-tenant-activity.ts';

const STATUS_TONE: Record<TenantMember['status'], Tone> = { active: 'positive', deactivated: 'neutral', disabled: 'danger' };

function MemberRow({ member }: { member: TenantMember }) {
  const { t, i18n } = useTranslation(ACTIVITY_NAMESPACES);
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const role = member.role === 'custom' ? (member.custom_role_name ?? t('people.customRole')) : t(`admin:roles.${member.role}`, { defaultValue: member.role });
  return (
    <tr data-testid="tenant-member" data-user={member.user_id} data-two-factor={member.two_factor}>
      <td data-label="">
        <span className={classes.who}>
          <span className={classes.name}>{member.name ?? member.email}</span>
          {member.name && <span className={classes.sub}>{member.email}</span>}
        </span>
      </td>
      <td data-label={t('people.role')}>
        {role}
        {member.role === 'custom' && <span className={classes.sub}> · {t('people.customRole')}</span>}
      </td>
      <td data-label={t('people.twoFactor')}>
        <ToneBadge tone={member.two_factor ? 'positive' : 'warning'}>{member.two_factor ? t('people.twoFactorOn') : t('people.twoFactorOff')}</ToneBadge>
      </td>
      <td data-label={t('people.status')}>
        <ToneBadge tone={STATUS_TONE[member.status]}>{t(`people.statuses.${member.status}`)}</ToneBadge>
      </td>
      <td data-label={t('people.lastActive')}>
        <span className={classes.who}>
          <span>{member.last_active_at ? when.format(new Date(member.last_active_at)) : t('people.never')}</span>
          {member.last_sign_in_at && <span className={classes.sub}>{t('people.signedIn', { when: when.format(new Date(member.last_sign_in_at)) })}</span>}
        </span>
      </td>
    </tr>
  );
}

/** Who works in the business: role, second factor, status and last activity, and the invitations that wait. */
export function PeopleCard({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation(ACTIVITY_NAMESPACES);
  const { t: adminT } = useTranslation('admin');
  const people = useTenantPeople(tenantId);
  const data = people.data;
  return (
    <section className={platformClasses.panel} aria-labelledby="people-title" data-testid="tenant-people">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h3" id="people-title">
            {t('people.title')}
          </Title>
          {data && (
            <Text size="sm" c="dimmed" data-testid="tenant-people-summary">
              {t('people.summary', { count: data.total })} ·{' '}
              {data.pending_invitations > 0 ? t('people.invitations', { count: data.pending_invitations }) : t('people.noInvitations')}
              {data.members.length < data.total && ` · ${t('people.limited', { shown: data.members.length })}`}
            </Text>
          )}
        </div>
        <div role="status" aria-live="polite">
          {people.isPending && <Loader size="sm" aria-label={adminT('loading')} />}
          {people.isError && (
            <Text size="sm" c="red.9" data-testid="tenant-people-error">
              {t('people.loadFailed')} {errorText(people.error, adminT)}
            </Text>
          )}
          {data && data.members.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('people.empty')}
            </Text>
          )}
        </div>
        {data && data.members.length > 0 && (
          <table className={classes.table}>
            <thead>
              <tr>
                <th scope="col">{t('people.person')}</th>
                <th scope="col">{t('people.role')}</th>
                <th scope="col">{t('people.twoFactor')}</th>
                <th scope="col">{t('people.status')}</th>
                <th scope="col">{t('people.lastActive')}</th>
              </tr>
            </thead>
            <tbody>
              {data.members.map((member) => (
                <MemberRow key={member.user_id} member={member} />
              ))}
            </tbody>
          </table>
        )}
      </Stack>
    </section>
  );
}
