import { Alert, Button, Group, Paper, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import i18next from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { can, type Me } from '../session/use-session.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import { todayIn } from '../ui/time-format.ts';
import { ClosuresCard } from './closures-card.tsx';
import { ExceptionsCard } from './exceptions-card.tsx';
import { hoursErrorText } from './format.ts';
import classes from './hours.module.css';
import hoursEn from './i18n/en.json';
import hoursEs from './i18n/es.json';
import { LocationForm } from './location-form.tsx';
import { dateWords } from './recurrence.ts';
import { useLocations, useResources, useSchedules, type Location, type Resource, type Schedule } from './use-hours.ts';
import { WeekEditor } from './week-editor.tsx';

// The screen's words load with its chunk.
i18next.addResourceBundle('en', 'hours', hoursEn, true, true);
i18next.addResourceBundle('es', 'hours', hoursEs, true, true);

const TYPES = ['staff', 'room', 'equipment'] as const;

/** The weekly schedule the editor works on: open-ended, without a rule; an active one first. */
function weeklySchedule(schedules: readonly Schedule[]): Schedule | null {
  const plain = schedules.filter((schedule) => schedule.recurrence_rule === null && schedule.end_date === null);
  return plain.find((schedule) => schedule.is_active) ?? plain[0] ?? null;
}

function addressLine(location: Location): string {
  const address = location.address as Record<string, unknown>;
  const postalCity = [address.postal_code, address.city].filter((part) => typeof part === 'string' && part).join(' ');
  return [address.line1, postalCity].filter((part) => typeof part === 'string' && part).join(', ');
}

/**
 * /admin/settings/hours: a location (create, edit: address, IANA time zone, contact) with its
 * closures and holidays, and for each of its staff, rooms and equipment the weekly hours (blocks
 * with breaks) and the days off or special hours (single dates, or repeating rules). Every time is
 * the location's wall clock, whatever the browser's zone.
 */
export default function HoursPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['hours', 'admin']);
  const [params, setParams] = useSearchParams();
  const locations = useLocations();
  const resources = useResources();
  const [editing, setEditing] = useState<Location | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const list = [...(locations.data ?? [])].filter((location) => location.status !== 'archived');
  const location = list.find((candidate) => candidate.id === params.get('location')) ?? list.find((candidate) => candidate.status === 'active') ?? list[0] ?? null;
  const zone = location?.timezone ?? 'UTC';
  const today = todayIn(zone);
  const here = (resources.data ?? [])
    .filter((resource) => resource.location_id === location?.id && resource.status !== 'archived')
    .sort((a, b) => TYPES.indexOf(a.type) - TYPES.indexOf(b.type) || a.name.localeCompare(b.name, i18n.language));
  const resource = here.find((candidate) => candidate.id === params.get('resource')) ?? here[0] ?? null;
  const schedules = useSchedules(resource?.id ?? null);
  const mayEditSchedule = can(me, 'update', 'Schedule') && can(me, 'create', 'Schedule');
  const mayEditLocation = can(me, 'update', 'Location');
  const mayCreateLocation = can(me, 'create', 'Location');

  const choose = (changes: Record<string, string | null>) => {
    setNotice(null);
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace: true });
  };

  const main = weeklySchedule(schedules.data ?? []);
  const others = (schedules.data ?? []).filter((schedule) => schedule.is_active && schedule.id !== main?.id);
  const otherWords = others
    .map((schedule) =>
      schedule.recurrence_rule
        ? t('week.otherRule', { name: schedule.name, rule: schedule.recurrence_rule })
        : t('week.otherDates', { name: schedule.name, from: dateWords(schedule.start_date, i18n.language, false), to: schedule.end_date ? dateWords(schedule.end_date, i18n.language, false) : '…' }),
    )
    .join('; ');

  const failure = locations.error ?? resources.error;
  return (
    <Stack gap="lg" className={classes.page} data-testid="hours-page">
      <div>
        <Group justify="space-between" align="baseline" gap="xs">
          <Title order={1} size="h2">
            {t('title')}
          </Title>
          {location && (
            <Text size="sm" c="dimmed" data-testid="hours-zone">
              {t('zone', { zone })}
            </Text>
          )}
        </Group>
        <Text size="sm" c="dimmed" mt={4}>
          {t('intro')}
        </Text>
      </div>
      {failure && <Alert color="red">{hoursErrorText(failure, t)}</Alert>}
      {notice && (
        <Alert color="green" role="status" withCloseButton onClose={() => setNotice(null)} closeButtonLabel={t('location.cancel')} data-testid="hours-notice">
          {notice}
        </Alert>
      )}

      {locations.isPending || resources.isPending ? (
        <Stack gap="md">
          <Skeleton h={120} radius="md" />
          <Skeleton h={360} radius="md" />
        </Stack>
      ) : !location ? (
        <Paper withBorder radius="md" p="lg" data-testid="hours-no-location">
          <Text fw={600}>{t('location.none')}</Text>
          <Text size="sm" c="dimmed" mb={mayCreateLocation ? 'md' : 0}>
            {mayCreateLocation ? t('location.noneHint') : t('location.noneReadOnly')}
          </Text>
          {mayCreateLocation && (
            <Button onClick={() => setEditing('new')} data-testid="location-new">
              {t('location.new')}
            </Button>
          )}
        </Paper>
      ) : (
        <>
          <Paper withBorder radius="md" p="lg" data-testid="location-card">
            <div className={classes.locationHead}>
              {list.length > 1 ? (
                <Select
                  className={classes.picker}
                  label={t('location.pick')}
                  value={location.id}
                  onChange={(value) => choose({ location: value, resource: null })}
                  data={list.map((candidate) => ({ value: candidate.id, label: candidate.status === 'active' ? candidate.name : `${candidate.name} (${t('location.inactive')})` }))}
                  allowDeselect={false}
                  comboboxProps={{ withinPortal: true }}
                  data-testid="location-pick"
                />
              ) : (
                <div className={classes.locationFacts}>
                  <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                    {t('location.pick')}
                  </Text>
                  <Text fw={700} size="lg" data-testid="location-title">
                    {location.name}
                  </Text>
                </div>
              )}
              <Group gap="xs">
                {mayEditLocation && (
                  <Button variant="default" onClick={() => setEditing(location)} data-testid="location-edit">
                    {t('location.edit')}
                  </Button>
                )}
                {mayCreateLocation && (
                  <Button variant="subtle" onClick={() => setEditing('new')} data-testid="location-new">
                    {t('location.new')}
                  </Button>
                )}
              </Group>
            </div>
            <div className={classes.locationFacts} data-testid="location-facts">
              <Group gap={8} mt="sm">
                <Text size="sm">{addressLine(location) || t('location.noAddress')}</Text>
                {location.status !== 'active' && <ToneBadge tone="neutral">{t('location.inactive')}</ToneBadge>}
              </Group>
              <Text size="sm" c="dimmed">
                {[location.timezone, location.phone, location.email].filter(Boolean).join(' · ')}
              </Text>
            </div>
          </Paper>

          <ClosuresCard key={location.id} location={location} today={today} canEdit={mayEditLocation} />

          {here.length === 0 ? (
            <Paper withBorder radius="md" p="lg" data-testid="hours-no-resource">
              <Text fw={600}>{t('resource.none')}</Text>
              <Text size="sm" c="dimmed" mb={can(me, 'create', 'Resource') ? 'md' : 0}>
                {t('resource.noneHint')}
              </Text>
              {can(me, 'create', 'Resource') && (
                <Button component={Link} to="/admin/settings/resources" data-testid="hours-add-resource">
                  {t('resource.add')}
                </Button>
              )}
            </Paper>
          ) : (
            resource && (
              <Stack gap="md" data-testid="resource-section">
                <Select
                  className={classes.resourcePick}
                  label={t('resource.pick')}
                  value={resource.id}
                  onChange={(value) => choose({ resource: value })}
                  data={TYPES.map((type) => ({
                    group: t(`resource.types.${type}`),
                    items: here
                      .filter((candidate) => candidate.type === type)
                      .map((candidate: Resource) => ({ value: candidate.id, label: candidate.status === 'active' ? candidate.name : `${candidate.name} (${t('resource.inactive')})` })),
                  })).filter((group) => group.items.length > 0)}
                  allowDeselect={false}
                  comboboxProps={{ withinPortal: true }}
                  data-testid="resource-pick"
                />
                {schedules.isPending ? (
                  <Skeleton h={420} radius="md" />
                ) : schedules.isError ? (
                  <Alert color="red" data-testid="schedules-error">
                    <Text size="sm">{t('errors.loadResource')}</Text>
                    <Button mt="xs" size="xs" variant="light" color="red" onClick={() => void schedules.refetch()}>
                      {t('errors.retry')}
                    </Button>
                  </Alert>
                ) : (
                  <>
                    {others.length > 0 && (
                      <Text size="sm" c="dimmed" data-testid="week-others">
                        {t('week.others', { list: otherWords })}
                      </Text>
                    )}
                    {/* Keyed by the resource only: a first save creates the schedule, and a new key would
                        remount the editor and drop its "Saved" message. */}
                    <WeekEditor key={resource.id} resource={resource} schedule={main} today={today} canEdit={mayEditSchedule} />
                  </>
                )}
                <ExceptionsCard key={resource.id} resource={resource} today={today} canEdit={mayEditSchedule} />
              </Stack>
            )
          )}
        </>
      )}
      {editing && (
        <LocationForm
          location={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            if (created) choose({ location: saved.id, resource: null });
            setNotice(created ? t('location.created') : t('location.saved'));
          }}
        />
      )}
    </Stack>
  );
}
