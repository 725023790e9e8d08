import { Alert, Button, Group, Menu, Modal, Paper, Select, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiError } from '@reservehub/api-client';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { can, type Me } from '../session/use-session.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import classes from './team.module.css';
import { LocationNames, LocationsPicker, locationIdsOf, scopableRole, useLocationChoices } from './member-locations.tsx';
import { PendingInvitations } from './pending-invitations.tsx';
import { useMemberMutations, type AssignableRole, type Member, type Role } from './use-team.ts';
import { dateOnly, memberName, relative, SYSTEM_ROLES, teamErrorText, type TeamT } from './words.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** "Manager", or the custom role's own name. */
export function roleLabel(member: { role: string; custom_role_id: string | null }, roles: readonly Role[], t: TeamT): string {
  if (member.role === 'custom') return roles.find((role) => role.id === member.custom_role_id)?.name ?? t('team:team.customGroup');
  return t(`admin:roles.${member.role}`, { defaultValue: member.role });
}

/** Whether `me` holds every permission of a role (the server refuses to grant more). */
function mayGrant(me: Me, permissions: readonly string[]): boolean {
  return permissions.every((permission) => {
    const [action = '', subject = ''] = permission.split(':');
    return can(me, action, subject);
  });
}

/** The role choices: the four standard roles, then the business's custom roles (`custom:<id>`). */
export function roleOptions(me: Me, roles: readonly Role[], t: TeamT) {
  const standard = SYSTEM_ROLES.filter((name) => mayGrant(me, roles.find((role) => role.id === name)?.permissions ?? [])).map((name) => ({
    value: name,
    label: t(`admin:roles.${name}`),
  }));
  const custom = roles.filter((role) => !role.is_system_role && mayGrant(me, role.permissions)).map((role) => ({ value: `custom:${role.id}`, label: role.name }));
  return [{ group: t('team:team.systemGroup'), items: standard }, ...(custom.length > 0 ? [{ group: t('team:team.customGroup'), items: custom }] : [])];
}

export function assignment(value: string): { role: AssignableRole; custom_role_id: string | null } {
  if (value.startsWith('custom:')) return { role: 'custom', custom_role_id: value.slice('custom:'.length) };
  return { role: value as AssignableRole, custom_role_id: null };
}

const valueOf = (member: Member) => (member.role === 'custom' && member.custom_role_id ? `custom:${member.custom_role_id}` : member.role);

type Pending = { kind: 'role' | 'status'; member: Member };

/** The team: each member with role, status and last activity; owners change roles and (de)activate. */
export function MembersList({ me, members, roles }: { me: Me; members: Member[]; roles: Role[] }) {
  const { t, i18n } = useTranslation(['team', 'admin']);
  const [pending, setPending] = useState<Pending | null>(null);
  const mayChange = can(me, 'update', 'User');
  const activeOwners = members.filter((member) => member.role === 'business_admin' && member.status === 'active');
  const sorted = [...members].sort(
    (a, b) => Number(a.status !== 'active') - Number(b.status !== 'active') || SYSTEM_ROLES.indexOf(a.role as never) - SYSTEM_ROLES.indexOf(b.role as never) || memberName(a).localeCompare(memberName(b)),
  );
  return (
    <>
      <ul className={classes.rows} data-testid="team-members">
        {sorted.map((member) => {
          const self = member.id === me.user?.id;
          const lastOwner = member.role === 'business_admin' && member.status === 'active' && activeOwners.length === 1;
          const offer = mayChange && !self && !lastOwner && member.role !== 'customer';
          const name = memberName(member);
          return (
            <li key={member.id} className={classes.row} data-testid="team-member" data-email={member.email} data-role={valueOf(member)} data-status={member.status}>
              <div className={classes.who}>
                <Group gap={8} wrap="nowrap">
                  <Text className={classes.name} span>
                    {name}
                  </Text>
                  {self && <ToneBadge tone="info">{t('team:team.you')}</ToneBadge>}
                </Group>
                {name !== member.email && <div className={classes.email}>{member.email}</div>}
              </div>
              <div className={classes.facts}>
                <span className={classes.roleName} data-testid="team-member-role">
                  {roleLabel(member, roles, t)}
                </span>
                <ToneBadge tone={member.status === 'active' ? 'positive' : 'neutral'} testId="team-member-status">
                  {t(`team:team.status_${member.status}`, { defaultValue: member.status })}
                </ToneBadge>
                {!member.email_verified && <ToneBadge tone="warning">{t('team:team.unverified')}</ToneBadge>}
                <LocationNames ids={member.location_ids} className={classes.muted} />
                <span className={classes.muted}>
                  {member.last_active_at
                    ? t('team:team.lastActive', { when: relative(member.last_active_at, i18n.language) })
                    : `${t('team:team.neverActive')} · ${t('team:team.joined', { when: dateOnly(member.joined_at, i18n.language) })}`}
                </span>
              </div>
              {offer && (
                <div className={classes.actions}>
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <Button variant="default" size="xs" aria-label={t('team:team.actionsFor', { name })} data-testid="team-member-actions">
                        {t('team:team.manage')}
                      </Button>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item onClick={() => setPending({ kind: 'role', member })} data-testid="team-member-change-role">
                        {t('team:team.changeRole')}
                      </Menu.Item>
                      <Menu.Item color={member.status === 'active' ? 'red' : undefined} onClick={() => setPending({ kind: 'status', member })} data-testid="team-member-toggle">
                        {member.status === 'active' ? t('team:team.deactivate') : t('team:team.reactivate')}
                      </Menu.Item>
                    </Menu.Dropdown>
                  </Menu>
                </div>
              )}
              {mayChange && lastOwner && <div className={classes.note}>{t('team:team.lastOwnerNote')}</div>}
            </li>
          );
        })}
      </ul>
      {!mayChange && (
        <Text size="sm" c="dimmed">
          {t('team:team.ownersOnly')}
        </Text>
      )}
      {pending?.kind === 'role' && <RoleModal me={me} member={pending.member} roles={roles} onClose={() => setPending(null)} />}
      {pending?.kind === 'status' && <StatusModal member={pending.member} onClose={() => setPending(null)} />}
      {sorted.every((member) => member.id === me.user?.id) && <div className={classes.empty}>{t('team:team.noMembers')}</div>}
    </>
  );
}

function RoleModal({ me, member, roles, onClose }: { me: Me; member: Member; roles: Role[]; onClose: () => void }) {
  const { t } = useTranslation(['team', 'admin']);
  const { update } = useMemberMutations();
  const [value, setValue] = useState<string | null>(valueOf(member));
  const [places, setPlaces] = useState<string[]>(member.location_ids ?? []);
  const { nameOf } = useLocationChoices();
  const name = memberName(member);
  const scoped = scopableRole(value);
  const roleChanged = value !== valueOf(member);
  const placesChanged = scoped && (places.length !== (member.location_ids ?? []).length || places.some((id) => !(member.location_ids ?? []).includes(id)));
  const save = async () => {
    if (!value) return;
    // A role that cannot be limited (owner, staff) works everywhere: the server drops the locations with it.
    const body = { ...(roleChanged ? assignment(value) : {}), ...(scoped ? { location_ids: locationIdsOf(places) } : {}) };
    const done = await update.mutateAsync({ id: member.id, body }).then(
      () => true,
      () => false,
    );
    if (!done) return;
    const message = roleChanged
      ? t('team:team.roleSaved', { name, role: roleLabel(assignment(value), roles, t) })
      : t('team:team.locationsSaved', { name, places: places.length > 0 ? places.map((id) => nameOf.get(id) ?? id).join(' · ') : t('team:team.everyLocation') });
    notifications.show({ color: 'green', message });
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={t('team:team.roleModalTitle', { name })} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('team:team.close') }} data-testid="team-role-modal">
      <Stack gap="md">
        <Select label={t('team:team.roleLabel')} data={roleOptions(me, roles, t)} value={value} onChange={setValue} allowDeselect={false} comboboxProps={{ withinPortal: true }} data-testid="team-role-select" />
        {value && <Text size="sm" c="dimmed">{value.startsWith('custom:') ? (roles.find((role) => `custom:${role.id}` === value)?.description ?? '') : t(`team:team.roleDescription_${value}`)}</Text>}
        {scoped && <LocationsPicker value={places} onChange={setPlaces} />}
        {update.isError && (
          <Alert color="red" data-testid="team-role-error">
            {teamErrorText(update.error, t)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('team:team.cancel')}
          </Button>
          <Button onClick={() => void save()} loading={update.isPending} disabled={!value || (!roleChanged && !placesChanged)} data-testid="team-role-save">
            {t('team:team.saveRole')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function StatusModal({ member, onClose }: { member: Member; onClose: () => void }) {
  const { t } = useTranslation(['team', 'admin']);
  const { update } = useMemberMutations();
  const name = memberName(member);
  const deactivating = member.status === 'active';
  const confirm = async () => {
    const done = await update.mutateAsync({ id: member.id, body: { status: deactivating ? 'deactivated' : 'active' } }).then(
      () => true,
      () => false,
    );
    if (!done) return;
    notifications.show({ color: 'green', message: t(deactivating ? 'team:team.deactivated' : 'team:team.reactivated', { name }) });
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={t(deactivating ? 'team:team.deactivateTitle' : 'team:team.reactivateTitle', { name })} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('team:team.close') }} data-testid="team-status-modal">
      <Stack gap="md">
        <Text size="sm">{t(deactivating ? 'team:team.deactivateHelp' : 'team:team.reactivateHelp')}</Text>
        {update.isError && (
          <Alert color="red" data-testid="team-status-error">
            {teamErrorText(update.error, t)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('team:team.cancel')}
          </Button>
          <Button color={deactivating ? 'red' : undefined} onClick={() => void confirm()} loading={update.isPending} data-testid="team-status-confirm">
            {t(deactivating ? 'team:team.deactivateConfirm' : 'team:team.reactivateConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Invite by e-mail with a role; the answer says until when the link works. */
export function InviteCard({ me, roles }: { me: Me; roles: Role[] }) {
  const { t, i18n } = useTranslation(['team', 'admin']);
  const { invite } = useMemberMutations();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<string | null>('receptionist');
  const [places, setPlaces] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState<{ id: string; email: string; role: string; until: string } | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const address = email.trim();
    if (!EMAIL.test(address)) {
      setProblem(t('team:team.emailInvalid'));
      return;
    }
    if (!role) return;
    setProblem(null);
    setSent(null);
    const answer = await invite.mutateAsync({ email: address, ...assignment(role), ...(scopableRole(role) ? { location_ids: locationIdsOf(places) } : {}) }).catch(() => null);
    if (!answer) return;
    setSent({ id: answer.id, email: answer.email, role: roleLabel(answer, roles, t), until: dateOnly(answer.expires_at, i18n.language) });
    setEmail('');
    setPlaces([]);
  };
  const emailRefusal = invite.error instanceof ApiError && /already a member|email/i.test(invite.error.message) ? teamErrorText(invite.error, t) : null;
  return (
    <Paper withBorder radius="md" p="lg" className={classes.card} data-testid="team-invite">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('team:team.inviteHeading')}
        </Title>
        <Text size="sm" c="dimmed" className={classes.help}>
          {t('team:team.inviteHelp')}
        </Text>
        {can(me, 'create', 'User') ? (
          <form onSubmit={(event) => void submit(event)} noValidate>
            <div className={classes.formRow}>
              <TextInput
                className={classes.grow}
                type="email"
                label={t('team:team.email')}
                placeholder="nombre@ejemplo.com"
                value={email}
                onChange={(event) => setEmail(event.currentTarget.value)}
                error={problem ?? emailRefusal}
                required
                autoComplete="off"
                data-testid="team-invite-email"
              />
              <Select className={classes.grow} label={t('team:team.inviteRole')} data={roleOptions(me, roles, t)} value={role} onChange={setRole} allowDeselect={false} required data-testid="team-invite-role" />
              {scopableRole(role) && <LocationsPicker className={classes.grow} value={places} onChange={setPlaces} help={false} />}
              <Button type="submit" className={classes.submit} loading={invite.isPending} data-testid="team-invite-submit">
                {t('team:team.sendInvite')}
              </Button>
            </div>
          </form>
        ) : (
          <Text size="sm">{t('team:team.cannotInvite')}</Text>
        )}
        {invite.isError && !emailRefusal && (
          <Alert color="red" data-testid="team-invite-error">
            {teamErrorText(invite.error, t)}
          </Alert>
        )}
        {sent && (
          <Alert color="green" data-testid="team-invite-sent" data-invitation-id={sent.id}>
            <Text size="sm">{t('team:team.invited', sent)}</Text>
            {sent.role === t('admin:roles.staff') && <Text size="sm" mt={4}>{t('team:team.inviteAfter')}</Text>}
          </Alert>
        )}
        <PendingInvitations me={me} roles={roles} />
      </Stack>
    </Paper>
  );
}

export function MembersSkeleton() {
  return (
    <Stack gap={8}>
      <Skeleton h={64} />
      <Skeleton h={64} />
      <Skeleton h={64} />
    </Stack>
  );
}
