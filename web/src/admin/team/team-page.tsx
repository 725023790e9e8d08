import './words.ts';
import { Alert, Button, Stack, Tabs, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { can, type Me } from '../session/use-session.ts';
import { InviteCard, MembersList, MembersSkeleton } from './members.tsx';
import { RolesPanel } from './roles.tsx';
import classes from './team.module.css';
import { useMembers, useRoles } from './use-team.ts';
import { teamErrorText } from './words.ts';

/** /admin/settings/team: members and their roles, invitations, and the business's custom roles. */
export default function TeamPage({ me }: { me: Me }) {
  const { t } = useTranslation(['team', 'admin']);
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'roles' ? 'roles' : 'members';
  const members = useMembers();
  const roles = useRoles(can(me, 'read', 'Role'));
  const failed = members.error ?? roles.error;
  return (
    <Stack gap="lg" className={classes.page} data-testid="team-page">
      <div>
        <Title order={1} size="h2">
          {t('team:team.title')}
        </Title>
        <Text c="dimmed" size="sm" className={classes.help}>
          {t('team:team.intro')}
        </Text>
      </div>
      <Tabs value={tab} onChange={(value) => setParams(value === 'roles' ? { tab: 'roles' } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List className={classes.tabList}>
          <Tabs.Tab value="members" className={classes.tab} data-testid="team-tab-members">
            {t('team:team.tabMembers')}
          </Tabs.Tab>
          <Tabs.Tab value="roles" className={classes.tab} data-testid="team-tab-roles">
            {t('team:team.tabRoles')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="members" pt="md">
          {failed ? (
            <Alert color="red" title={t('team:team.loadFailed')}>
              <Stack gap="xs" align="flex-start">
                <span>{teamErrorText(failed, t)}</span>
                <Button size="xs" variant="default" onClick={() => void Promise.all([members.refetch(), roles.refetch()])}>
                  {t('team:team.retry')}
                </Button>
              </Stack>
            </Alert>
          ) : members.isPending || roles.isPending ? (
            <MembersSkeleton />
          ) : (
            <Stack gap="lg">
              <MembersList me={me} members={members.data ?? []} roles={roles.data ?? []} />
              {can(me, 'create', 'User') && <InviteCard me={me} roles={roles.data ?? []} />}
            </Stack>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="roles" pt="md">
          {roles.isError ? (
            <Alert color="red" title={t('team:team.loadFailed')}>
              {teamErrorText(roles.error, t)}
            </Alert>
          ) : roles.isPending ? (
            <MembersSkeleton />
          ) : (
            <RolesPanel me={me} roles={roles.data} members={members.data ?? []} />
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
