/** Writes docs/events.md from the event catalogue (`npm run events:docs`). */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { EVENTS_DOC_PATH, renderEventsDocument } from './events-document.ts';

writeFileSync(EVENTS_DOC_PATH, renderEventsDocument());
process.stdout.write(`wrote ${relative(process.cwd(), EVENTS_DOC_PATH)}\n`);
