import { MultiSelect } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocations } from '../catalog/use-catalog.ts';

/** Roles an owner may limit to some locations (the server's rule: managers, receptionists and custom roles; never the owner or staff). */
export function scopableRole(value: string | null): boolean {
  return value === 'manager' || value === 'receptionist' || (value?.startsWith('custom:') ?? false);
}

/** What the API stores: the picked locations, or null for every location (nothing picked). */
export const locationIdsOf = (picked: readonly string[]): string[] | null => (picked.length > 0 ? [...picked] : null);

/** The business's locations as choices, and their names by id. */
export function useLocationChoices() {
  const locations = useLocations();
  return useMemo(() => {
    const rows = locations.data ?? [];
    return { data: rows.map((location) => ({ value: location.id, label: location.name })), nameOf: new Map(rows.map((location) => [location.id, location.name])) };
  }, [locations.data]);
}

/**
 * Where a manager or receptionist works: nothing picked means every location. `help`: the sentence
 * under the label (left out in a row of fields, where the placeholder says it).
 */
export function LocationsPicker({ value, onChange, help = true, className }: { value: string[]; onChange: (ids: string[]) => void; help?: boolean; className?: string }) {
  const { t } = useTranslation(['team']);
  const { data } = useLocationChoices();
  return (
    <MultiSelect
      label={t('team:team.locationsLabel')}
      description={help ? t('team:team.locationsHelp') : undefined}
      className={className}
      placeholder={value.length === 0 ? t('team:team.everyLocation') : undefined}
      data={data}
      value={value}
      onChange={onChange}
      clearable
      searchable={data.length > 8}
      comboboxProps={{ withinPortal: true }}
      data-testid="team-locations-select"
    />
  );
}

/** "Centro · Norte" for a member limited to those locations; nothing for every location. */
export function LocationNames({ ids, className }: { ids: readonly string[] | null; className?: string }) {
  const { t } = useTranslation(['team']);
  const { nameOf } = useLocationChoices();
  if (ids === null || ids.length === 0) return null;
  const names = ids.map((id) => nameOf.get(id)).filter((name): name is string => name !== undefined);
  return (
    <span className={className} data-testid="team-member-locations">
      {t('team:team.worksAt', { places: names.length > 0 ? names.join(' · ') : t('team:team.locationsHidden', { count: ids.length }) })}
    </span>
  );
}
