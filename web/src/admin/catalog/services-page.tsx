import { Alert, Button, Group, Paper, Skeleton, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import i18next from 'i18next';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { can, type Me } from '../session/use-session.ts';
import { ToneBadge, type Tone } from '../ui/tone-badge.tsx';
import classes from './catalog.module.css';
import catalogEn from './i18n/en.json';
import catalogEs from './i18n/es.json';
import { money } from './money.ts';
import { ServiceForm } from './service-form.tsx';
import { catalogErrorText, fieldIssues, useCategories, useRemoveCategory, useResources, useSaveCategory, useServices, type Category, type Service } from './use-catalog.ts';

// The screen's words load with its chunk.
i18next.addResourceBundle('en', 'catalog', catalogEn, true, true);
i18next.addResourceBundle('es', 'catalog', catalogEs, true, true);

export const STATUS_TONE: Record<Service['status'], Tone> = { active: 'positive', inactive: 'neutral', archived: 'warning' };

/** "45 min" / "1 h 30 min". */
function duration(minutes: number, language: string): string {
  const unit = (value: number, name: 'hour' | 'minute') => new Intl.NumberFormat(language, { style: 'unit', unit: name, unitDisplay: 'short' }).format(value);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return unit(rest, 'minute');
  return rest === 0 ? unit(hours, 'hour') : `${unit(hours, 'hour')} ${unit(rest, 'minute')}`;
}

/**
 * /admin/settings/services: the services, grouped by category, with their duration, price,
 * deposit and state; a drawer creates and edits one (timing, price, deposit, cancellation and
 * refund tiers, who delivers it, price tiers); categories are added, renamed and deleted inline.
 */
export default function ServicesPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['catalog', 'admin']);
  const services = useServices();
  const categories = useCategories();
  const resources = useResources();
  const [editing, setEditing] = useState<Service | 'new' | null>(null);
  const [newIn, setNewIn] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [showArchived, setShowArchived] = useState(false);
  const mayCreate = can(me, 'create', 'Service');
  const mayUpdate = can(me, 'update', 'Service');
  const mayDelete = can(me, 'delete', 'Service');

  const live = (categories.data ?? []).filter((category) => category.status !== 'archived').sort((a, b) => a.sort_order - b.sort_order || a.name.localeCompare(b.name, i18n.language));
  const shown = (services.data ?? []).filter((service) => showArchived || service.status !== 'archived').sort((a, b) => a.name.localeCompare(b.name, i18n.language));
  const known = new Set(live.map((category) => category.id));
  const groups: Array<{ id: string | null; name: string; items: Service[] }> = [
    ...live.map((category) => ({ id: category.id, name: category.name, items: shown.filter((service) => service.category_id === category.id) })),
    { id: null, name: t('services.noCategory'), items: shown.filter((service) => service.category_id === null || !known.has(service.category_id)) },
  ].filter((group) => group.id !== null || group.items.length > 0);
  const currencies = (services.data ?? []).map((service) => service.price.currency);
  const defaultCurrency = currencies.sort((a, b) => currencies.filter((c) => c === b).length - currencies.filter((c) => c === a).length)[0] ?? 'EUR';

  const deposit = (service: Service): string => {
    switch (service.deposit.type) {
      case 'none':
        return t('services.depositNone');
      case 'full':
        return t('services.depositFull');
      case 'percentage':
        return t('services.depositPercent', { value: new Intl.NumberFormat(i18n.language).format(service.deposit.value) });
      case 'fixed':
        return t('services.depositFixed', { amount: money(service.deposit.value, service.price.currency, i18n.language) });
    }
  };

  const failure = services.error ?? categories.error;
  const loading = services.isPending || categories.isPending;
  return (
    <Stack gap="lg" className={classes.page} data-testid="services-page">
      <div className={classes.head}>
        <div className={classes.headText}>
          <Title order={1} size="h2">
            {t('services.title')}
          </Title>
          <Text size="sm" c="dimmed" mt={4}>
            {t('services.intro')}
          </Text>
        </div>
        {mayCreate && (
          <Button onClick={() => { setNewIn(null); setEditing('new'); }} data-testid="service-new">
            {t('services.new')}
          </Button>
        )}
      </div>
      {notice && (
        <Alert color="green" role="status" withCloseButton onClose={() => setNotice(null)} closeButtonLabel={t('form.close')} data-testid="services-notice">
          {notice}
        </Alert>
      )}
      {failure && (
        <Alert color="red">
          <Text size="sm">{catalogErrorText(failure, t)}</Text>
          <Button mt="xs" size="xs" variant="light" color="red" onClick={() => { void services.refetch(); void categories.refetch(); }}>
            {t('errors.retry')}
          </Button>
        </Alert>
      )}

      {loading ? (
        <Stack gap="md">
          <Skeleton h={96} radius="md" />
          <Skeleton h={240} radius="md" />
        </Stack>
      ) : (
        !failure && (
          <>
            <Group justify="space-between">
              <Text size="sm" c="dimmed" data-testid="services-count">
                {t('services.count', { count: shown.length })}
              </Text>
              <Switch size="sm" label={t('services.showArchived')} checked={showArchived} onChange={(event) => setShowArchived(event.currentTarget.checked)} data-testid="services-archived" />
            </Group>
            {shown.length === 0 && groups.every((group) => group.items.length === 0) && live.length === 0 ? (
              <Paper withBorder radius="md" p="lg" data-testid="services-empty">
                <Text size="sm" mb={mayCreate ? 'md' : 0}>
                  {t('services.empty')}
                </Text>
                {mayCreate && (
                  <Button onClick={() => { setNewIn(null); setEditing('new'); }} data-testid="services-empty-new">
                    {t('services.new')}
                  </Button>
                )}
              </Paper>
            ) : (
              groups.map((group) => (
                <Paper withBorder radius="md" className={classes.group} key={group.id ?? 'none'} component="section" aria-labelledby={`group-${group.id ?? 'none'}`} data-testid="service-group" data-category-id={group.id ?? ''}>
                  <div className={classes.groupHead}>
                    <Title order={2} size="h4" id={`group-${group.id ?? 'none'}`}>
                      {group.name}
                    </Title>
                    <Text size="sm" c="dimmed">
                      {t('services.count', { count: group.items.length })}
                    </Text>
                  </div>
                  {group.items.length === 0 ? (
                    <Group className={classes.empty} justify="space-between">
                      <Text size="sm" c="dimmed">
                        {t('services.emptyGroup')}
                      </Text>
                      {mayCreate && (
                        <Button size="xs" variant="light" onClick={() => { setNewIn(group.id); setEditing('new'); }}>
                          {t('services.new')}
                        </Button>
                      )}
                    </Group>
                  ) : (
                    <ul className={classes.rows}>
                      {group.items.map((service) => (
                        <li key={service.id} className={classes.row} data-testid="service-row" data-service-id={service.id}>
                          <div className={classes.rowMain}>
                            <Text fw={600} className={classes.rowName}>
                              {service.name}
                            </Text>
                            <div className={classes.facts}>
                              <span>{duration(service.duration_minutes, i18n.language)}</span>
                              <span data-testid="service-row-price">{money(service.price.amount, service.price.currency, i18n.language)}</span>
                              <span>{deposit(service)}</span>
                              {service.capacity > 1 && <span>{t('services.capacity', { count: service.capacity })}</span>}
                              {service.resource_ids.length === 0 && <span className={classes.warn}>{t('services.noResources')}</span>}
                            </div>
                          </div>
                          <div className={classes.rowSide}>
                            <ToneBadge tone={STATUS_TONE[service.status]} testId="service-status">
                              {t(`status.${service.status}`)}
                            </ToneBadge>
                            {mayUpdate && (
                              <Button size="xs" variant="default" onClick={() => setEditing(service)} aria-label={`${t('services.edit')}: ${service.name}`} data-testid="service-edit">
                                {t('services.edit')}
                              </Button>
                            )}
                          </div>
                        </li>
                      ))}
                    </ul>
                  )}
                </Paper>
              ))
            )}
            <CategoriesCard categories={live} canCreate={mayCreate} canUpdate={mayUpdate} canDelete={can(me, 'delete', 'Service')} onNotice={setNotice} />
          </>
        )
      )}
      {editing && (
        <ServiceForm
          key={editing === 'new' ? 'new' : editing.id}
          service={editing === 'new' ? null : editing}
          categories={live}
          resources={resources.data ?? []}
          defaultCurrency={defaultCurrency}
          defaultCategoryId={newIn}
          canDelete={mayDelete}
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

/** The categories as pills: add one, rename or delete one in place. */
function CategoriesCard({ categories, canCreate, canUpdate, canDelete, onNotice }: { categories: readonly Category[]; canCreate: boolean; canUpdate: boolean; canDelete: boolean; onNotice: (text: string) => void }) {
  const { t } = useTranslation(['catalog', 'admin']);
  const saveCategory = useSaveCategory();
  const removeCategory = useRemoveCategory();
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [deleting, setDeleting] = useState<Category | null>(null);
  const [error, setError] = useState<{ where: string; text: string } | null>(null);

  const refusal = (where: string, failure: unknown) => {
    const named = fieldIssues(failure).get('name');
    setError({ where, text: named !== undefined ? t('errors.field', { message: named }) : catalogErrorText(failure, t) });
  };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setError({ where: 'new', text: t('errors.name') });
      return;
    }
    setError(null);
    try {
      const created = await saveCategory.mutateAsync({ id: null, name: name.trim() });
      setName('');
      onNotice(t('categories.created', { name: created.name }));
    } catch (failure) {
      refusal('new', failure);
    }
  };

  const rename = async (event: FormEvent) => {
    event.preventDefault();
    if (!renaming) return;
    if (!renaming.name.trim()) {
      setError({ where: renaming.id, text: t('errors.name') });
      return;
    }
    setError(null);
    try {
      const saved = await saveCategory.mutateAsync({ id: renaming.id, name: renaming.name.trim() });
      setRenaming(null);
      onNotice(t('categories.renamed', { name: saved.name }));
    } catch (failure) {
      refusal(renaming.id, failure);
    }
  };

  const remove = async (category: Category) => {
    setError(null);
    try {
      await removeCategory.mutateAsync(category.id);
      setDeleting(null);
      onNotice(t('categories.deleted', { name: category.name }));
    } catch (failure) {
      setDeleting(null);
      refusal(category.id, failure);
    }
  };

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="categories-title" data-testid="categories">
      <Title order={2} size="h4" id="categories-title">
        {t('categories.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('categories.hint')}
      </Text>
      {categories.length === 0 ? (
        <Text size="sm" mb="sm">
          {t('categories.empty')}
        </Text>
      ) : (
        <ul className={classes.chips}>
          {categories.map((category) =>
            renaming?.id === category.id ? (
              <li key={category.id}>
                <form className={classes.chipEdit} onSubmit={rename}>
                  <TextInput
                    size="xs"
                    label={t('categories.nameLabel')}
                    value={renaming.name}
                    maxLength={255}
                    autoFocus
                    onChange={(event) => setRenaming({ id: category.id, name: event.currentTarget.value })}
                    error={error?.where === category.id ? error.text : undefined}
                    data-testid="category-rename-input"
                  />
                  <Button size="xs" type="submit" loading={saveCategory.isPending} data-testid="category-rename-save">
                    {t('categories.save')}
                  </Button>
                  <Button size="xs" variant="default" onClick={() => { setRenaming(null); setError(null); }}>
                    {t('categories.cancel')}
                  </Button>
                </form>
              </li>
            ) : (
              <li key={category.id} className={classes.chip} data-testid="category-chip" data-category-id={category.id}>
                <Text size="sm" fw={500}>
                  {category.name}
                </Text>
                {canUpdate && (
                  <Button size="compact-xs" variant="subtle" aria-label={t('categories.rename', { name: category.name })} onClick={() => { setError(null); setRenaming({ id: category.id, name: category.name }); }} data-testid="category-rename">
                    ✎
                  </Button>
                )}
                {canDelete && (
                  <Button size="compact-xs" variant="subtle" color="red" aria-label={t('categories.delete', { name: category.name })} onClick={() => setDeleting(category)} data-testid="category-delete">
                    ✕
                  </Button>
                )}
              </li>
            ),
          )}
        </ul>
      )}
      {error && error.where !== 'new' && renaming?.id !== error.where && (
        <Text size="sm" c="red.8" role="alert" mt="xs">
          {error.text}
        </Text>
      )}
      {deleting && (
        <Alert color="red" variant="light" mt="sm" data-testid="category-confirm">
          <Text size="sm">{t('categories.confirmDelete', { name: deleting.name })}</Text>
          <Group gap="xs" mt="sm">
            <Button size="xs" color="red" loading={removeCategory.isPending} onClick={() => void remove(deleting)} data-testid="category-delete-confirm">
              {t('form.confirm')}
            </Button>
            <Button size="xs" variant="default" onClick={() => setDeleting(null)}>
              {t('form.keep')}
            </Button>
          </Group>
        </Alert>
      )}
      {canCreate && (
        <form className={classes.addRow} onSubmit={add} noValidate>
          <TextInput
            mt="sm"
            label={t('categories.newLabel')}
            placeholder={t('categories.newPlaceholder')}
            value={name}
            maxLength={255}
            onChange={(event) => setName(event.currentTarget.value)}
            error={error?.where === 'new' ? error.text : undefined}
            data-testid="category-new"
          />
          <Button type="submit" variant="light" loading={saveCategory.isPending && saveCategory.variables?.id === null} data-testid="category-add">
            {t('categories.add')}
          </Button>
        </form>
      )}
    </Paper>
  );
}
