/** docs/events.md is generated from the event catalogue; it must be what the catalogue renders today. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENTS_DOC_PATH, EVENTS_DOC_REFRESH_COMMAND, renderEventsDocument } from '../../scripts/events-document.ts';
import { CATALOGUE_EVENTS } from '../../src/modules/webhooks/index.ts';

describe('committed events document', () => {
  const committed = readFileSync(EVENTS_DOC_PATH, 'utf8');

  it('is what the event catalogue renders', () => {
    expect(committed === renderEventsDocument(), `docs/events.md is stale: run \`${EVENTS_DOC_REFRESH_COMMAND}\` and commit it`).toBe(true);
  });

  it('documents every event of the catalogue', () => {
    for (const event of CATALOGUE_EVENTS) expect(committed).toContain(`| \`${event.name}\` |`);
  });
});
