import { Alert, Button, Checkbox, Group, Modal, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { can, type Me } from '../session/use-session.ts';
import classes from './team.module.css';
import { useRoleMutations, type Member, type Role } from './use-team.ts';
import { permissionGroups, SYSTEM_ROLES, teamErrorText, type TeamT } from './words.ts';

/** "See bookings" for "read:Booking". */
function permissionWords(permission: string, t: TeamT): string {
  const [action = '', subject = ''] = permission.split(':');
  return `${t(`team:actions.${action}`, { defaultValue: action })} · ${t(`team:subjects.${subject}`, { defaultValue: subject })}`;
}

/** Standard roles described in words; custom roles listed with edit and delete, created from the catalogue. */
export function RolesPanel({ me, roles, members }: { me: Me; roles: Role[]; members: Member[] }) {
  const { t } = useTranslation(['team', 'admin']);
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);
  const custom = roles.filter((role) => !role.is_system_role).sort((a, b) => a.name.localeCompare(b.name));
  // The catalogue: everything the owner role holds (the API's own list), less platform powers.
  const catalogue = roles.find((role) => role.id === 'business_admin')?.permissions ?? [];
  const mayCreate = can(me, 'create', 'Role');
  const holders = (role: Role) => members.filter((member) => member.custom_role_id === role.id).length;
  return (
    <Stack gap="lg">
      <Paper withBorder radius="md" p="lg" className={classes.card}>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('team:team.rolesHeading')}
          </Title>
          <Text size="sm" c="dimmed" className={classes.help}>
            {t('team:team.rolesIntro')}
          </Text>
          <ul className={classes.systemRoles} data-testid="team-system-roles">
            {SYSTEM_ROLES.map((name) => (
              <li key={name} className={classes.systemRole}>
                <Text fw={600}>{t(`admin:roles.${name}`)}</Text>
                <Text size="sm" c="dimmed">
                  {t(`team:team.roleDescription_${name}`)}
                </Text>
              </li>
            ))}
          </ul>
        </Stack>
      </Paper>
      <Paper withBorder radius="md" p="lg" className={classes.card} data-testid="team-custom-roles">
        <Stack gap="sm">
          <Group justify="space-between" align="flex-start">
            <div>
              <Title order={2} size="h4">
                {t('team:team.customHeading')}
              </Title>
              <Text size="sm" c="dimmed" className={classes.help}>
                {t('team:team.customIntro')}
              </Text>
            </div>
            {mayCreate && (
              <Button onClick={() => setEditing('new')} data-testid="team-role-new">
                {t('team:team.newRole')}
              </Button>
            )}
          </Group>
          {custom.length === 0 ? (
            <div className={classes.empty}>{t('team:team.noCustom')}</div>
          ) : (
            <ul className={classes.rows}>
              {custom.map((role) => (
                <li key={role.id} className={classes.row} data-testid="team-custom-role" data-role-id={role.id}>
                  <div className={classes.who}>
                    <div className={classes.name}>{role.name}</div>
                    {role.description && <div className={classes.email}>{role.description}</div>}
                  </div>
                  <div className={classes.facts}>
                    <span>{t('team:team.permissionCount', { count: role.permissions.length })}</span>
                    <span className={classes.muted}>{t('team:team.holders', { count: holders(role) })}</span>
                  </div>
                  <Group gap={8} className={classes.actions} wrap="nowrap">
                    {can(me, 'update', 'Role') && (
                      <Button size="xs" variant="default" onClick={() => setEditing(role)} data-testid="team-role-edit">
                        {t('team:team.editRole')}
                      </Button>
                    )}
                    {can(me, 'delete', 'Role') && (
                      <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(role)} data-testid="team-role-delete">
                        {t('team:team.deleteRole')}
                      </Button>
                    )}
                  </Group>
                </li>
              ))}
            </ul>
          )}
        </Stack>
      </Paper>
      {editing && <RoleEditor me={me} role={editing === 'new' ? null : editing} catalogue={catalogue} onClose={() => setEditing(null)} />}
      {deleting && <DeleteRole role={deleting} inUse={holders(deleting) > 0} onClose={() => setDeleting(null)} />}
    </Stack>
  );
}

function RoleEditor({ me, role, catalogue, onClose }: { me: Me; role: Role | null; catalogue: string[]; onClose: () => void }) {
  const { t } = useTranslation(['team', 'admin']);
  const { create, update } = useRoleMutations();
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(role?.permissions ?? []));
  const [problems, setProblems] = useState<{ name?: string; permissions?: string }>({});
  const groups = permissionGroups(catalogue, (permission) => {
    const [action = '', subject = ''] = permission.split(':');
    return can(me, action, subject);
  });
  const shown = new Set(groups.flatMap((group) => group.actions.map((action) => `${action}:${group.subject}`)));
  // Permissions the role carries that these boxes do not show ("manage:Booking") are kept as they are.
  const kept = [...chosen].filter((permission) => !shown.has(permission));
  const mutation = role ? update : create;
  const toggle = (permission: string, on: boolean) =>
    setChosen((previous) => {
      const next = new Set(previous);
      if (on) next.add(permission);
      else next.delete(permission);
      return next;
    });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = { ...(name.trim() ? {} : { name: t('team:team.roleNameRequired') }), ...(chosen.size > 0 ? {} : { permissions: t('team:team.permissionsRequired') }) };
    setProblems(found);
    if (found.name || found.permissions) return;
    const body = { name: name.trim(), description: description.trim() || null, permissions: [...chosen] };
    const saved = await (role ? update.mutateAsync({ id: role.id, body }) : create.mutateAsync(body)).catch(() => null);
    if (!saved) return;
    notifications.show({ color: 'green', message: t(role ? 'team:team.roleUpdated' : 'team:team.roleCreated', { name: saved.name }) });
    onClose();
  };
  const refusal = mutation.isError ? teamErrorText(mutation.error, t) : null;
  const nameRefusal = refusal && /name/i.test(mutation.error instanceof Error ? mutation.error.message : '') ? refusal : null;
  return (
    <Modal opened onClose={onClose} title={role ? t('team:team.editRoleTitle', { name: role.name }) : t('team:team.newRoleTitle')} centered size="xl" lockScroll={false} closeButtonProps={{ 'aria-label': t('team:team.close') }} data-testid="team-role-editor">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="md">
          <TextInput label={t('team:team.roleName')} value={name} onChange={(event) => setName(event.currentTarget.value)} error={problems.name ?? nameRefusal} maxLength={100} required data-testid="team-role-name" />
          <Textarea label={t('team:team.roleDescriptionLabel')} value={description} onChange={(event) => setDescription(event.currentTarget.value)} maxLength={500} autosize minRows={1} data-testid="team-role-description" />
          <div>
            <Text fw={600} size="sm">
              {t('team:team.permissionsLegend')}
            </Text>
            {problems.permissions && (
              <Text size="sm" c="red.8" role="alert">
                {problems.permissions}
              </Text>
            )}
          </div>
          <div className={classes.groups}>
            {groups.map((group) => (
              <fieldset key={group.subject} className={classes.group} data-subject={group.subject}>
                <legend className={classes.legend}>{t(`team:subjects.${group.subject}`, { defaultValue: group.subject })}</legend>
                <div className={classes.checks}>
                  {group.actions.map((action) => {
                    const permission = `${action}:${group.subject}`;
                    return (
                      <Checkbox
                        key={permission}
                        label={t(`team:actions.${action}`, { defaultValue: action })}
                        checked={chosen.has(permission)}
                        onChange={(event) => toggle(permission, event.currentTarget.checked)}
                        data-testid={`perm-${permission}`}
                      />
                    );
                  })}
                </div>
              </fieldset>
            ))}
          </div>
          {kept.length > 0 && (
            <Text size="sm" c="dimmed">
              {t('team:team.otherPermissions', { list: kept.map((permission) => permissionWords(permission, t)).join(', ') })}
            </Text>
          )}
          {refusal && !nameRefusal && (
            <Alert color="red" data-testid="team-role-editor-error">
              {refusal}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('team:team.cancel')}
            </Button>
            <Button type="submit" loading={mutation.isPending} data-testid="team-role-submit">
              {role ? t('team:team.saveChanges') : t('team:team.createRole')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteRole({ role, inUse, onClose }: { role: Role; inUse: boolean; onClose: () => void }) {
  const { t } = useTranslation(['team', 'admin']);
  const { remove } = useRoleMutations();
  const confirm = async () => {
    const done = await remove.mutateAsync(role.id).then(
      () => true,
      () => false,
    );
    if (!done) return;
    notifications.show({ color: 'green', message: t('team:team.roleDeleted', { name: role.name }) });
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={t('team:team.deleteRoleTitle', { name: role.name })} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('team:team.close') }} data-testid="team-role-delete-modal">
      <Stack gap="md">
        <Text size="sm">{inUse ? t('team:team.deleteRoleInUse') : t('team:team.deleteRoleHelp')}</Text>
        {remove.isError && <Alert color="red">{teamErrorText(remove.error, t)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('team:team.cancel')}
          </Button>
          <Button color="red" onClick={() => void confirm()} loading={remove.isPending} disabled={inUse} data-testid="team-role-delete-confirm">
            {t('team:team.deleteRole')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
