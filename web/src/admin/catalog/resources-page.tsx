import { Alert, Button, Group, Paper, Skeleton, Stack, Switch, Text, Title } from '@mantine/core';
import i18next from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { can, type Me } from '../session/use-session.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import classes from './catalog.module.css';
import catalogEn from './i18n/en.json';
import catalogEs from './i18n/es.json';
import { ResourceForm } from './resource-form.tsx';
import { catalogErrorText, useLocations, useResources, useServices, useTeam, type Resource } from './use-catalog.ts';

// The screen's words load with its chunk.
i18next.addResourceBundle('en', 'catalog', catalogEn, true, true);
i18next.addResourceBundle('es', 'catalog', catalogEs, true, true);

const TYPES = ['staff', 'room', 'equipment'] as const;
const TONE = { active: 'positive', inactive: 'neutral', archived: 'warning' } as const;

/**
 * /admin/settings/resources: staff, rooms and equipment by kind, with their location, the
 * dashboard account of each staff member, which services each delivers and whether it can be
 * booked; a drawer creates and edits one, including the services it delivers.
 */
export default function ResourcesPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['catalog', 'admin']);
  const resources = useResources();
  const locations = useLocations();
  const mayReadServices = can(me, 'read', 'Service');
  const services = useServices(mayReadServices);
  const mayReadUsers = can(me, 'read', 'User');
  const team = useTeam(mayReadUsers);
  const [editing, setEditing] = useState<Resource | (typeof TYPES)[number] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [showArchived, setShowArchived] = useState(false);
  const mayCreate = can(me, 'create', 'Resource');
  const mayUpdate = can(me, 'update', 'Resource');

  const locationName = new Map((locations.data ?? []).map((location) => [location.id, location.name]));
  const userName = new Map((team.data ?? []).map((user) => [user.id, [user.first_name, user.last_name].filter(Boolean).join(' ') || user.email]));
  const all = (resources.data ?? []).filter((resource) => showArchived || resource.status !== 'archived').sort((a, b) => a.name.localeCompare(b.name, i18n.language));
  const delivered = (resource: Resource) =>
    (services.data ?? [])
      .filter((service) => service.status !== 'archived' && service.resource_ids.includes(resource.id))
      .map((service) => service.name)
      .sort((a, b) => a.localeCompare(b, i18n.language));
  const noLocation = !locations.isPending && (locations.data ?? []).filter((location) => location.status !== 'archived').length === 0;

  const failure = resources.error ?? locations.error ?? services.error;
  return (
    <Stack gap="lg" className={classes.page} data-testid="resources-page">
      <div className={classes.head}>
        <div className={classes.headText}>
          <Title order={1} size="h2">
            {t('resources.title')}
          </Title>
          <Text size="sm" c="dimmed" mt={4}>
            {t('resources.intro')}
          </Text>
        </div>
        {mayCreate && !noLocation && (
          <Button onClick={() => setEditing('staff')} data-testid="resource-new">
            {t('resources.new')}
          </Button>
        )}
      </div>
      {notice && (
        <Alert color="green" role="status" withCloseButton onClose={() => setNotice(null)} closeButtonLabel={t('form.close')} data-testid="resources-notice">
          {notice}
        </Alert>
      )}
      {failure && (
        <Alert color="red">
          <Text size="sm">{catalogErrorText(failure, t)}</Text>
          <Button mt="xs" size="xs" variant="light" color="red" onClick={() => { void resources.refetch(); void locations.refetch(); void services.refetch(); }}>
            {t('errors.retry')}
          </Button>
        </Alert>
      )}
      {noLocation && (
        <Alert color="yellow" data-testid="resources-no-location">
          <Text size="sm">{t('resources.noLocations')}</Text>
          {can(me, 'create', 'Location') && (
            <Button component={Link} to="/admin/settings/hours" mt="xs" size="xs" variant="light" color="yellow" data-testid="resources-add-location">
              {t('resources.addLocation')}
            </Button>
          )}
        </Alert>
      )}
      {resources.isPending || locations.isPending ? (
        <Stack gap="md">
          <Skeleton h={200} radius="md" />
          <Skeleton h={120} radius="md" />
        </Stack>
      ) : (
        !resources.isError && (
          <>
            <Group justify="flex-end">
              <Switch size="sm" label={t('resources.showArchived')} checked={showArchived} onChange={(event) => setShowArchived(event.currentTarget.checked)} data-testid="resources-archived" />
            </Group>
            {TYPES.map((type) => {
              const items = all.filter((resource) => resource.type === type);
              return (
                <Paper withBorder radius="md" className={classes.group} key={type} component="section" aria-labelledby={`type-${type}`} data-testid="resource-group" data-type={type}>
                  <div className={classes.groupHead}>
                    <Title order={2} size="h4" id={`type-${type}`}>
                      {t(`resources.types.${type}`)}
                    </Title>
                    <Text size="sm" c="dimmed">
                      {items.length}
                    </Text>
                  </div>
                  {items.length === 0 ? (
                    <Group className={classes.empty} justify="space-between">
                      <Text size="sm" c="dimmed">
                        {t(`resources.emptyType.${type}`)}
                      </Text>
                      {mayCreate && !noLocation && (
                        <Button size="xs" variant="light" onClick={() => setEditing(type)} data-testid={`resource-new-${type}`}>
                          {t('resources.new')}
                        </Button>
                      )}
                    </Group>
                  ) : (
                    <ul className={classes.rows}>
                      {items.map((resource) => {
                        const list = delivered(resource);
                        return (
                          <li key={resource.id} className={classes.row} data-testid="resource-row" data-resource-id={resource.id}>
                            <div className={classes.rowMain}>
                              <Text fw={600} className={classes.rowName}>
                                {resource.name}
                              </Text>
                              <div className={classes.facts}>
                                <span>{locationName.get(resource.location_id) ?? t('resources.noLocation')}</span>
                                {resource.capacity > 1 && <span>{t('resources.capacity', { count: resource.capacity })}</span>}
                                {type === 'staff' && mayReadUsers && (
                                  <span data-testid="resource-account">{resource.user_id ? t('resources.account', { name: userName.get(resource.user_id) ?? '…' }) : t('resources.noAccount')}</span>
                                )}
                                {resource.skills.length > 0 && <span>{resource.skills.join(', ')}</span>}
                              </div>
                              {mayReadServices && (
                                <Text size="sm" className={list.length === 0 ? classes.warn : undefined} data-testid="resource-delivers">
                                  {list.length > 0 ? t('resources.delivers', { list: list.join(', ') }) : t('resources.deliversNothing')}
                                </Text>
                              )}
                            </div>
                            <div className={classes.rowSide}>
                              <ToneBadge tone={TONE[resource.status]} testId="resource-status">
                                {t(`status.${resource.status}`)}
                              </ToneBadge>
                              {mayUpdate && (
                                <Button size="xs" variant="default" onClick={() => setEditing(resource)} aria-label={`${t('resources.edit')}: ${resource.name}`} data-testid="resource-edit">
                                  {t('resources.edit')}
                                </Button>
                              )}
                            </div>
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </Paper>
              );
            })}
          </>
        )
      )}
      {editing && (
        <ResourceForm
          key={typeof editing === 'string' ? editing : editing.id}
          resource={typeof editing === 'string' ? null : editing}
          defaultType={typeof editing === 'string' ? editing : editing.type}
          locations={locations.data ?? []}
          services={services.data ?? []}
          users={mayReadUsers ? (team.data ?? []) : null}
          canDelete={can(me, 'delete', 'Resource')}
          canLinkServices={mayReadServices && can(me, 'update', 'Service')}
          onClose={() => setEditing(null)}
          onDone={(message) => {
            setEditing(null);
            setNotice(message);
          }}
        />
      )}
    </Stack>
  );
}
