import { Alert, Button, Group, Paper, Progress, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, type EnvelopeData, type paths } from '@reservehub/api-client';
import i18next, { type TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { adminApi } from '../session/session.ts';
import { errorText } from '../ui/error-text.ts';
import { saveFile } from '../ui/save-file.ts';
import exportEn from './i18n/export-en.json';
import exportEs from './i18n/export-es.json';

// The export card's words load with the billing chunk, in a namespace of their own.
i18next.addResourceBundle('en', 'billingExport', exportEn, true, true);
i18next.addResourceBundle('es', 'billingExport', exportEs, true, true);

type BusinessExport = EnvelopeData<paths['/api/v1/business/exports']['get']['responses'][200]['content']['application/json']>[number];
type ExportT = TFunction<['billingExport', 'admin']>;

const exportsKey = ['admin', 'billing', 'exports'] as const;
const inProgress = (view: BusinessExport | undefined) => view?.status === 'pending' || view?.status === 'running';

/** The business's latest exports; polled every two seconds while one is being prepared. */
function useBusinessExports() {
  return useQuery({
    queryKey: exportsKey,
    queryFn: () => adminApi.get('/api/v1/business/exports'),
    refetchInterval: (query) => (inProgress(query.state.data?.[0]) ? 2_000 : false),
  });
}

function useStartExport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (language: 'es' | 'en') => adminApi.post('/api/v1/business/exports', { body: { language } }),
    // A refusal because one is already running also means the list has something new to show.
    onSettled: () => client.invalidateQueries({ queryKey: exportsKey }),
  });
}

/** Downloads the archive with the session's token (a plain link could not carry it). */
async function downloadArchive(view: BusinessExport): Promise<void> {
  const result = await adminApi.raw.GET('/api/v1/business/exports/{id}/download', { params: { path: { id: view.id } }, parseAs: 'blob' });
  if (!result.response.ok || !(result.data instanceof Blob)) {
    // A refusal's envelope names its code (LINK_EXPIRED once the week is over).
    const code = (result.error as { error?: { code?: string } } | undefined)?.error?.code ?? 'INTERNAL_ERROR';
    throw new ApiError({ status: result.response.status, code, message: `the export answered ${result.response.status}` });
  }
  saveFile(result.data, `reservehub-export-${view.created_at.slice(0, 10)}.zip`);
}

/** An export refusal in one sentence: the card's own words for its codes, else as the dashboard words it. */
function exportErrorText(error: unknown, t: ExportT): string {
  if (error instanceof ApiError && t(`billingExport:errors.${error.code}`, { defaultValue: '' })) return t(`billingExport:errors.${error.code}`);
  return errorText(error, t as unknown as TFunction<'admin'>);
}

/**
 * "Download all your data" on the billing screen, offered when the subscription is set to end, has ended, or
 * the business is suspended for an unpaid invoice (no lock-in, issue 18): prepares the whole-business export,
 * shows its progress and, once ready, the download until the link expires. Owners only.
 */
export function DataExportCard({ subscription }: { subscription: { status: string; cancel_at_period_end: boolean } }) {
  const { t, i18n } = useTranslation(['billingExport', 'admin']);
  const exports = useBusinessExports();
  const start = useStartExport();
  const download = useMutation({ mutationFn: downloadArchive });
  if (!subscription.cancel_at_period_end && subscription.status !== 'unpaid' && subscription.status !== 'cancelled') return null;

  const latest = exports.data?.[0];
  const language = i18n.language.startsWith('es') ? 'es' : 'en';
  const date = (iso: string | null) => (iso ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long' }).format(new Date(iso)) : '—');
  // Most businesses' archives are under a megabyte: those read in kilobytes, at least one.
  const size = (bytes: number | null) => {
    const [unit, divisor] = (bytes ?? 0) < 1_000_000 ? (['kilobyte', 1_000] as const) : (['megabyte', 1_000_000] as const);
    return new Intl.NumberFormat(i18n.language, { style: 'unit', unit, maximumFractionDigits: unit === 'kilobyte' ? 0 : 1 }).format(Math.max(1, (bytes ?? 0) / divisor));
  };
  const prepare = (
    <Button variant={latest?.status === 'ready' ? 'default' : 'filled'} w="fit-content" loading={start.isPending} onClick={() => start.mutate(language)} data-testid="export-start">
      {latest?.status === 'ready' ? t('billingExport:again') : t('billingExport:prepare')}
    </Button>
  );

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="data-export-title" data-testid="billing-data-export">
      <Stack gap="sm">
        <Title order={2} size="h4" id="data-export-title">
          {t('billingExport:title')}
        </Title>
        <Text size="sm">{t('billingExport:intro')}</Text>
        {exports.isPending ? (
          <Skeleton h={60} />
        ) : exports.isError ? (
          <Alert color="red">{exportErrorText(exports.error, t)}</Alert>
        ) : inProgress(latest) ? (
          <Stack gap={6} role="status" data-testid="export-progress">
            <Text size="sm">{t('billingExport:preparing')}</Text>
            <Progress value={latest?.status === 'running' ? 66 : 33} animated aria-label={t('billingExport:preparing')} />
          </Stack>
        ) : latest?.status === 'ready' ? (
          <Stack gap="xs" data-testid="export-ready">
            <Text size="sm">{t('billingExport:ready', { size: size(latest.size_bytes), date: date(latest.expires_at) })}</Text>
            <Group gap="sm" wrap="wrap">
              <Button loading={download.isPending} onClick={() => download.mutate(latest)} data-testid="export-download">
                {t('billingExport:download')}
              </Button>
              {prepare}
            </Group>
          </Stack>
        ) : (
          <Stack gap="xs">
            {latest?.status === 'failed' && (
              <Alert color="red" data-testid="export-failed">
                {t('billingExport:failed')}
              </Alert>
            )}
            {(latest === undefined || latest.status === 'expired') && (
              <Text size="sm" c="dimmed" data-testid="export-empty">
                {latest ? t('billingExport:expired') : t('billingExport:none')}
              </Text>
            )}
            {prepare}
          </Stack>
        )}
        {start.isError && (
          <Alert color="red" data-testid="export-error">
            {exportErrorText(start.error, t)}
          </Alert>
        )}
        {download.isError && <Alert color="red">{exportErrorText(download.error, t)}</Alert>}
      </Stack>
    </Paper>
  );
}
