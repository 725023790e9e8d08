import { Switch } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { adminApi } from '../session/session.ts';
import { errorText } from '../ui/error-text.ts';

const key = ['admin', 'reports', 'weekly-summary'] as const;

/** The signed-in owner's or manager's own choice: last week's key figures by e-mail every Monday. */
export function WeeklySummarySwitch() {
  const { t } = useTranslation('admin');
  const client = useQueryClient();
  const setting = useQuery({ queryKey: key, queryFn: () => adminApi.get('/api/v1/analytics/weekly-summary') });
  const change = useMutation({
    mutationFn: (enabled: boolean) => adminApi.put('/api/v1/analytics/weekly-summary', { body: { enabled } }),
    onSuccess: (data) => {
      client.setQueryData(key, data);
      notifications.show({ color: 'green', message: t(data.enabled ? 'reports.weeklyOn' : 'reports.weeklyOff') });
    },
    onError: (error) => notifications.show({ color: 'red', message: errorText(error, t) }),
  });
  if (!setting.data) return null;
  return (
    <Switch
      label={t('reports.weekly')}
      description={t('reports.weeklyHint')}
      checked={change.isPending ? (change.variables ?? setting.data.enabled) : setting.data.enabled}
      disabled={change.isPending}
      onChange={(event) => change.mutate(event.currentTarget.checked)}
      data-testid="weekly-summary-toggle"
    />
  );
}
