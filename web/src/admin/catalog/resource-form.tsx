import { Alert, Button, Checkbox, Drawer, Group, NumberInput, SegmentedControl, Select, Stack, Switch, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import classes from './catalog.module.css';
import {
  catalogErrorText,
  fieldIssues,
  useRemoveResource,
  useSaveResource,
  type Location,
  type Resource,
  type ResourceBody,
  type ResourcePatch,
  type Service,
  type TeamUser,
} from './use-catalog.ts';

const TYPES = ['staff', 'room', 'equipment'] as const;
type ResourceType = (typeof TYPES)[number];
const SKILL = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function personName(user: TeamUser): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return name ? `${name} (${user.email})` : user.email;
}

interface Props {
  resource: Resource | null;
  defaultType: ResourceType;
  locations: readonly Location[];
  services: readonly Service[];
  users: readonly TeamUser[] | null;
  canDelete: boolean;
  canLinkServices: boolean;
  onClose: () => void;
  onDone: (message: string) => void;
}

/**
 * Create or edit a staff member, room or piece of equipment: where it is, its places, skills,
 * the dashboard account of a staff member, and which services it delivers (the link lives on each
 * service; saving changes those services' lists).
 */
export function ResourceForm({ resource, defaultType, locations, services, users, canDelete, canLinkServices, onClose, onDone }: Props) {
  const { t } = useTranslation(['catalog', 'admin']);
  const narrow = useMediaQuery('(max-width: 599px)');
  const save = useSaveResource();
  const remove = useRemoveResource();
  const liveLocations = locations.filter((location) => location.status !== 'archived' || location.id === resource?.location_id);
  const [values, setValues] = useState({
    type: (resource?.type ?? defaultType) as ResourceType,
    name: resource?.name ?? '',
    locationId: resource?.location_id ?? (liveLocations.length === 1 ? (liveLocations[0]?.id ?? null) : null),
    description: resource?.description ?? '',
    capacity: (resource?.capacity ?? 1) as string | number,
    skills: resource?.skills ?? [],
    userId: resource?.user_id ?? null,
    delivers: services.filter((service) => resource !== null && service.resource_ids.includes(resource.id)).map((service) => service.id),
    active: resource ? resource.status === 'active' : true,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const set = <K extends keyof typeof values>(field: K, value: (typeof values)[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    const key = field === 'locationId' ? 'location' : field === 'userId' ? 'user' : field;
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([name]) => name !== key)));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const found: Record<string, string> = {};
    if (!values.name.trim()) found.name = t('errors.name');
    if (!values.locationId) found.location = t('errors.location');
    const capacity = Number(values.capacity === '' ? 1 : values.capacity);
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 10_000) found.capacity = t('errors.capacity');
    const skills = values.skills.map((skill) => skill.trim().toLowerCase()).filter(Boolean);
    if (skills.some((skill) => !SKILL.test(skill))) found.skills = t('errors.skills');
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setFailure(t('errors.fields'));
      return;
    }
    const userId = values.type === 'staff' ? values.userId : null;
    const common = { name: values.name.trim(), type: values.type, location_id: values.locationId ?? '', capacity, skills };
    const body: ResourceBody | ResourcePatch =
      resource === null
        ? { ...common, ...(values.description.trim() ? { description: values.description.trim() } : {}), ...(userId ? { user_id: userId } : {}) }
        : { ...common, description: values.description.trim() || null, ...(users !== null ? { user_id: userId } : {}), status: values.active ? 'active' : 'inactive' };
    try {
      let saved = await save.mutateAsync({ id: resource?.id ?? null, body, services: canLinkServices ? services : [], delivers: new Set(values.delivers) });
      if (resource === null && !values.active) saved = await save.mutateAsync({ id: saved.id, body: { status: 'inactive' }, services: [], delivers: new Set() });
      onDone(t(resource === null ? 'resources.created' : 'resources.saved', { name: saved.name }));
    } catch (error) {
      const mapped: Record<string, string> = {};
      for (const [path, message] of fieldIssues(error)) {
        const head = path.split('.')[0] ?? '';
        const key = ({ location_id: 'location', user_id: 'user' } as Record<string, string>)[head] ?? head;
        mapped[key] ??= key === 'skills' ? t('errors.skills') : key === 'capacity' ? t('errors.capacity') : t('errors.field', { message });
      }
      setErrors(mapped);
      setFailure(catalogErrorText(error, t));
    }
  };

  const archive = async () => {
    if (!resource) return;
    try {
      const answer = await remove.mutateAsync(resource.id);
      onDone(t(answer ? 'resources.archived' : 'resources.deleted', { name: resource.name }));
    } catch (error) {
      setConfirming(false);
      setFailure(catalogErrorText(error, t));
    }
  };

  const offered = services.filter((service) => service.status !== 'archived' || values.delivers.includes(service.id));
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size={narrow ? '100%' : 560}
      lockScroll={false}
      title={resource ? t('resourceForm.titleEdit', { name: resource.name }) : t('resourceForm.titleNew')}
      closeButtonProps={{ 'aria-label': t('resourceForm.close') }}
      classNames={{ title: classes.drawerTitle }}
    >
      <form onSubmit={submit} noValidate data-testid="resource-form">
        <Stack gap="md">
          <Stack gap={4}>
            <Text size="sm" fw={500} id="resource-kind">
              {t('resourceForm.kind')}
            </Text>
            <SegmentedControl
              aria-labelledby="resource-kind"
              data={TYPES.map((type) => ({ value: type, label: t(`resources.type.${type}`) }))}
              value={values.type}
              onChange={(value) => set('type', value as ResourceType)}
              data-testid="resource-type"
            />
          </Stack>
          <TextInput label={t('resourceForm.name')} required maxLength={255} value={values.name} onChange={(event) => set('name', event.currentTarget.value)} error={errors.name} data-testid="resource-name" />
          <div className={classes.fieldRow}>
            <Select
              className={classes.grow}
              label={t('resourceForm.location')}
              required
              data={liveLocations.map((location) => ({ value: location.id, label: location.name }))}
              value={values.locationId}
              onChange={(value) => set('locationId', value)}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
              error={errors.location}
              data-testid="resource-location"
            />
            <NumberInput className={classes.third} label={t('resourceForm.capacity')} description={t('resourceForm.capacityHint')} min={1} max={10_000} allowDecimal={false} allowNegative={false} clampBehavior="none" value={values.capacity} onChange={(value) => set('capacity', value)} error={errors.capacity} data-testid="resource-capacity" />
          </div>
          <Textarea label={t('resourceForm.description')} autosize minRows={2} maxLength={2000} value={values.description} onChange={(event) => set('description', event.currentTarget.value)} error={errors.description} data-testid="resource-description" />
          <TagsInput label={t('resourceForm.skills')} description={t('resourceForm.skillsHint')} value={values.skills} onChange={(value) => set('skills', value)} maxTags={50} error={errors.skills} comboboxProps={{ withinPortal: true }} data-testid="resource-skills" />
          {values.type === 'staff' && users !== null && (
            <Select
              label={t('resourceForm.user')}
              description={t('resourceForm.userHint')}
              data={[{ value: '', label: t('resourceForm.userNone') }, ...users.filter((user) => user.status === 'active' || user.id === values.userId).map((user) => ({ value: user.id, label: personName(user) }))]}
              value={values.userId ?? ''}
              onChange={(value) => set('userId', value ? value : null)}
              allowDeselect={false}
              searchable
              comboboxProps={{ withinPortal: true }}
              error={errors.user}
              data-testid="resource-user"
            />
          )}
          {canLinkServices && (
            <fieldset className={classes.fieldset} data-testid="resource-services">
              <Text component="legend" size="sm" fw={500}>
                {t('resourceForm.services')}
              </Text>
              <Text size="xs" c="dimmed" mt={-6}>
                {t('resourceForm.servicesHint')}
              </Text>
              {offered.length === 0 ? (
                <Text size="sm">{t('resourceForm.servicesEmpty')}</Text>
              ) : (
                <div className={classes.checks}>
                  {offered.map((service) => (
                    <Checkbox
                      key={service.id}
                      label={service.status === 'active' ? service.name : `${service.name} (${t(`status.${service.status}`)})`}
                      checked={values.delivers.includes(service.id)}
                      onChange={(event) => {
                        const checked = event.currentTarget.checked;
                        setValues((current) => ({ ...current, delivers: checked ? [...current.delivers, service.id] : current.delivers.filter((id) => id !== service.id) }));
                      }}
                      data-testid="resource-service"
                      data-service-id={service.id}
                    />
                  ))}
                </div>
              )}
            </fieldset>
          )}
          <Switch label={t('resourceForm.active')} checked={values.active} onChange={(event) => set('active', event.currentTarget.checked)} data-testid="resource-active" />
          {failure && (
            <Alert color="red" role="alert" data-testid="resource-error">
              {failure}
            </Alert>
          )}
          {confirming && resource && (
            <Alert color="red" variant="light">
              <Text size="sm">{t('resourceForm.confirmArchive', { name: resource.name })}</Text>
              <Group gap="xs" mt="sm">
                <Button color="red" size="xs" loading={remove.isPending} onClick={() => void archive()} data-testid="resource-archive-confirm">
                  {t('resourceForm.confirm')}
                </Button>
                <Button variant="default" size="xs" onClick={() => setConfirming(false)}>
                  {t('resourceForm.keep')}
                </Button>
              </Group>
            </Alert>
          )}
          <div className={classes.footer}>
            {resource && canDelete && resource.status !== 'archived' ? (
              <Button variant="subtle" color="red" onClick={() => setConfirming(true)} data-testid="resource-archive">
                {t('resourceForm.archive')}
              </Button>
            ) : (
              <span />
            )}
            <Group gap="sm">
              <Button variant="default" onClick={onClose}>
                {t('resourceForm.cancel')}
              </Button>
              <Button type="submit" loading={save.isPending} data-testid="resource-save">
                {resource ? t('resourceForm.save') : t('resourceForm.create')}
              </Button>
            </Group>
          </div>
        </Stack>
      </form>
    </Drawer>
  );
}
