import { Button, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { actorWords, changeLine, deviceWords, sentence, type Directory } from './audit-words.ts';
import classes from './team.module.css';
import type { AuditEntry } from './use-team.ts';
import { dateTime, relative, type TeamT } from './words.ts';

const json = (value: unknown) => (value === null || value === undefined ? '—' : JSON.stringify(value, null, 2));
const hasMetadata = (metadata: AuditEntry['metadata']) => Object.keys(metadata).length > 0;

/**
 * One audit entry as a sentence (who did what to what, and when), with its raw record behind a
 * Details button: before and after, metadata, device and request reference. `context` adds a line
 * above the sentence (the platform's trail names the business there).
 */
export function AuditEntryItem({
  entry,
  directory,
  planName,
  t,
  language,
  context,
}: {
  entry: AuditEntry;
  directory: Directory;
  planName: (id: string) => string;
  t: TeamT;
  language: string;
  context?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const change = changeLine(entry, directory, t, planName);
  const device = deviceWords(entry.user_agent);
  const detailsId = `audit-details-${entry.id}`;
  return (
    <li className={classes.entry} data-testid="audit-entry" data-action={entry.action} data-entity-id={entry.entity_id ?? ''}>
      <div className={classes.entryHead}>
        <div className={classes.entryText}>
          {context}
          <Text className={classes.sentence} fw={500} data-testid="audit-sentence">
            {sentence(entry, directory, t)}
          </Text>
          {change && (
            <Text size="sm" data-testid="audit-change">
              {change}
            </Text>
          )}
          <div className={classes.meta}>
            {entry.ip && <span>{t('team:audit.from_where', { ip: entry.ip })}</span>}
            {device && <span>{device}</span>}
          </div>
        </div>
        <time className={classes.when} dateTime={entry.created_at} title={dateTime(entry.created_at, language)}>
          {relative(entry.created_at, language)}
        </time>
      </div>
      <Button variant="transparent" size="compact-sm" mt={4} px={0} onClick={() => setOpen((value) => !value)} aria-expanded={open} aria-controls={detailsId} data-testid="audit-toggle">
        {open ? t('team:audit.hideDetails') : t('team:audit.details')}
      </Button>
      {open && (
        <div id={detailsId} data-testid="audit-details">
          <div className={classes.detailGrid}>
            <div>
              <div className={classes.label}>{t('team:audit.before')}</div>
              <pre className={classes.code} tabIndex={0}>
                {json(entry.old_values)}
              </pre>
            </div>
            <div>
              <div className={classes.label}>{t('team:audit.after')}</div>
              <pre className={classes.code} tabIndex={0}>
                {json(entry.new_values)}
              </pre>
            </div>
            {hasMetadata(entry.metadata) && (
              <div className={classes.detailWide}>
                <div className={classes.label}>{t('team:audit.metadata')}</div>
                <pre className={classes.code} tabIndex={0} data-testid="audit-metadata">
                  {json(entry.metadata)}
                </pre>
              </div>
            )}
          </div>
          <div className={classes.meta}>
            <span>
              {dateTime(entry.created_at, language)} · {actorWords(entry, directory, t)} · <code>{entry.action}</code>
            </span>
            {entry.entity_type && (
              <span>
                {t('team:audit.record')}: <code>{entry.entity_type}</code>
                {entry.entity_id && (
                  <>
                    {' '}
                    <code data-testid="audit-entity-id">{entry.entity_id}</code>
                  </>
                )}
              </span>
            )}
            {entry.ip && (
              <span>
                {t('team:audit.ip')}: <code>{entry.ip}</code>
              </span>
            )}
            {entry.user_agent && (
              <span>
                {t('team:audit.device')}: {entry.user_agent}
              </span>
            )}
            {entry.request_id && (
              <span>
                {t('team:audit.request')}: <code data-testid="audit-request-id">{entry.request_id}</code>
              </span>
            )}
          </div>
        </div>
      )}
    </li>
  );
}
