import { Alert, Button, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can, type Me } from '../session/use-session.ts';
import { LocationNames } from './member-locations.tsx';
import { roleLabel } from './members.tsx';
import classes from './team.module.css';
import { useInvitationMutations, usePendingInvitations, type PendingInvitation, type Role } from './use-team.ts';
import { dateOnly, teamErrorText } from './words.ts';

/** Invitations not yet accepted: who, which role, until when; sent again with a fresh link, or taken back. */
export function PendingInvitations({ me, roles }: { me: Me; roles: Role[] }) {
  const { t, i18n } = useTranslation(['team', 'admin']);
  const pending = usePendingInvitations(can(me, 'read', 'User'));
  const { resend, revoke } = useInvitationMutations();
  const [withdrawing, setWithdrawing] = useState<PendingInvitation | null>(null);
  const mayChange = can(me, 'create', 'User');
  const invitations = pending.data ?? [];
  if (pending.isError) {
    return (
      <Alert color="red" data-testid="team-pending-error">
        {teamErrorText(pending.error, t)}{' '}
        <Button variant="subtle" size="compact-sm" onClick={() => void pending.refetch()}>
          {t('team:team.retry')}
        </Button>
      </Alert>
    );
  }
  if (invitations.length === 0) return null;

  const sendAgain = (invitation: PendingInvitation) =>
    resend.mutate(invitation.id, {
      onSuccess: (answer) => notifications.show({ color: 'green', message: t('team:team.pending.resent', { email: answer.email, until: dateOnly(answer.expires_at, i18n.language) }) }),
      onError: (error) => notifications.show({ color: 'red', message: teamErrorText(error, t) }),
    });

  return (
    <Stack gap="xs" data-testid="team-pending">
      <Title order={3} size="h5">
        {t('team:team.pending.heading', { count: invitations.length })}
      </Title>
      <ul className={classes.rows}>
        {invitations.map((invitation) => (
          <li key={invitation.id} className={classes.row} data-testid="team-pending-row" data-invitation-id={invitation.id}>
            <div className={classes.who}>
              <div className={classes.name}>{invitation.email}</div>
            </div>
            <div className={classes.facts}>
              <span className={classes.roleName}>{roleLabel(invitation, roles, t)}</span>
              <LocationNames ids={invitation.location_ids} className={classes.muted} />
              <span className={classes.muted}>{t('team:team.pending.until', { date: dateOnly(invitation.expires_at, i18n.language) })}</span>
            </div>
            {mayChange && (
              <Group gap="xs" className={classes.actions} wrap="nowrap">
                <Button variant="default" size="compact-sm" loading={resend.isPending && resend.variables === invitation.id} onClick={() => sendAgain(invitation)} data-testid="team-pending-resend">
                  {t('team:team.pending.resend')}
                </Button>
                <Button variant="subtle" color="red" size="compact-sm" onClick={() => setWithdrawing(invitation)} data-testid="team-pending-revoke">
                  {t('team:team.pending.revoke')}
                </Button>
              </Group>
            )}
          </li>
        ))}
      </ul>
      <Modal opened={withdrawing !== null} onClose={() => setWithdrawing(null)} title={t('team:team.pending.revokeTitle')} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('team:team.close') }}>
        <Stack gap="md">
          <Text size="sm">{t('team:team.pending.revokeText', { email: withdrawing?.email ?? '' })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setWithdrawing(null)}>
              {t('team:team.pending.keep')}
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              data-testid="team-pending-revoke-confirm"
              onClick={() =>
                withdrawing &&
                revoke.mutate(withdrawing.id, {
                  onSuccess: () => {
                    notifications.show({ color: 'green', message: t('team:team.pending.revoked', { email: withdrawing.email }) });
                    setWithdrawing(null);
                  },
                  onError: (error) => notifications.show({ color: 'red', message: teamErrorText(error, t) }),
                })
              }
            >
              {t('team:team.pending.revoke')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
