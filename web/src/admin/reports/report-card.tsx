import { Button, Card, Group, Skeleton, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../ui/error-text.ts';
import classes from './reports.module.css';
import { downloadTable, type Audience, type ReportQuery, type TableName } from './use-reports.ts';

/** CSV and XLSX buttons for one report table. */
export function ExportButtons({ audience, table, query, label }: { audience: Audience; table: TableName; query: ReportQuery; label: string }) {
  const { t } = useTranslation('admin');
  const [busy, setBusy] = useState<'csv' | 'xlsx' | null>(null);
  const run = async (format: 'csv' | 'xlsx') => {
    setBusy(format);
    try {
      await downloadTable(audience, table, format, query);
    } catch (error) {
      notifications.show({ color: 'red', message: errorText(error, t) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <Group gap={6} wrap="nowrap">
      {(['csv', 'xlsx'] as const).map((format) => (
        <Button
          key={format}
          size="compact-sm"
          variant="default"
          loading={busy === format}
          onClick={() => void run(format)}
          aria-label={t('reports.exportAs', { table: label, format: format.toUpperCase() })}
          data-testid={`export-${table}-${format}`}
        >
          {format.toUpperCase()}
        </Button>
      ))}
    </Group>
  );
}

interface ReportCardProps {
  table: TableName;
  title: string;
  description?: string;
  audience: Audience;
  query: ReportQuery;
  state: { isPending: boolean; isFetching: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  empty: boolean;
  emptyText: string;
  /** Chart and table side by side on wide screens (the heat map is its own table). */
  side?: boolean;
  chart?: ReactNode;
  children: ReactNode;
}

/** A report: title, export buttons, then the chart and its table (the table is what screen readers read). */
export function ReportCard({ table, title, description, audience, query, state, empty, emptyText, side = true, chart, children }: ReportCardProps) {
  const { t } = useTranslation('admin');
  const headingId = `report-${table}`;
  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      component="section"
      aria-labelledby={headingId}
      aria-busy={state.isFetching}
      className={classes.card}
      data-testid={`report-${table}`}
    >
      <div className={classes.cardHead}>
        <div>
          <Title order={2} size="h4" id={headingId}>
            {title}
          </Title>
          {description && (
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          )}
        </div>
        {!state.isPending && !state.isError && !empty && <ExportButtons audience={audience} table={table} query={query} label={title} />}
      </div>
      {state.isPending ? (
        <Skeleton height={180} aria-label={t('loading')} />
      ) : state.isError ? (
        <Group gap="sm" data-testid="report-error">
          <Text c="red.8" size="sm" role="alert">
            {errorText(state.error, t)}
          </Text>
          <Button size="compact-sm" variant="default" onClick={() => void state.refetch()}>
            {t('reports.retry')}
          </Button>
        </Group>
      ) : empty ? (
        <Text size="sm" c="dimmed" data-testid="report-empty">
          {emptyText}
        </Text>
      ) : (
        <div className={classes.cardBody} data-side={chart ? String(side) : 'false'}>
          {chart}
          {/* Focusable so that a keyboard can scroll a table wider than a phone. */}
          <div className={classes.tableScroll} tabIndex={0} role="region" aria-label={t('reports.tableOf', { title })}>
            {children}
          </div>
        </div>
      )}
    </Card>
  );
}
