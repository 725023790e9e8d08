import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant-context.ts';
import { DEFAULT_CHANNELS } from './message-composer.ts';
import * as repo from './notifications.repository.ts';
import type { SettingsView, UpdateSettingsBody } from './notifications.schemas.ts';
import type { NotificationSettingsData } from './notifications.tables.ts';
import { DEFAULT_REMINDER_OFFSETS_MINUTES } from './reminders.ts';

function toView(settings: NotificationSettingsData): SettingsView {
  return {
    reminder_offsets_minutes: settings.reminder_offsets_minutes ?? [...DEFAULT_REMINDER_OFFSETS_MINUTES],
    service_reminder_offsets: settings.service_reminder_offsets ?? {},
    channels: { ...DEFAULT_CHANNELS, ...settings.channels },
    default_language: settings.default_language ?? null,
  };
}

/** Per-tenant notification settings: reminder offsets (per service too), channels, language. */
export function createSettingsService(deps: { db: Db }) {
  return {
    async get(tenantId: string): Promise<SettingsView> {
      return toView(await withTenant(deps.db, tenantId, (trx) => repo.findSettings(trx, tenantId)));
    },

    async update(tenantId: string, body: UpdateSettingsBody): Promise<SettingsView> {
      return withTenant(deps.db, tenantId, async (trx) => {
        const current = await repo.findSettings(trx, tenantId);
        const next: NotificationSettingsData = { ...current };
        if (body.reminder_offsets_minutes !== undefined) next.reminder_offsets_minutes = body.reminder_offsets_minutes;
        if (body.service_reminder_offsets !== undefined) next.service_reminder_offsets = body.service_reminder_offsets;
        if (body.channels !== undefined) next.channels = { ...current.channels, ...body.channels };
        if (body.default_language === null) delete next.default_language;
        else if (body.default_language !== undefined) next.default_language = body.default_language;
        await repo.saveSettings(trx, tenantId, next);
        return toView(next);
      });
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
