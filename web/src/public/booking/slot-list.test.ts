/**
 * The slot picker's time-zone display as a component (rendered to HTML with the page's real
 * translations): a customer in New York booking a salon in Madrid, on either side of the weeks
 * when only one of the two has moved its clocks, and one in Madrid where one time is enough.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FreeSlot } from '../../shared/api/use-availability.ts';
import bookingEn from './i18n/en.json';
import bookingEs from './i18n/es.json';
import { SlotList } from './slot-list.tsx';

function slot(start: string): FreeSlot {
  return { start_time: start, end_time: start, timezone: 'Europe/Madrid', resource_ids: ['marta'], places: [1] };
}

/** The rendered buttons' text, and the hint above them, as a customer reads them. */
async function render(language: 'es' | 'en', customerZone: string, slots: FreeSlot[]) {
  await i18next.changeLanguage(language);
  const html = renderToStaticMarkup(createElement(SlotList, { slots, customerZone, onChoose: () => undefined }));
  const text = (fragment: string) => fragment.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  const buttons = [...html.matchAll(/<button[^>]*data-start="([^"]+)"[^>]*>(.*?)<\/button>/g)].map((match) => ({ start: match[1], text: text(match[2] ?? '') }));
  const headings = [...html.matchAll(/<h4[^>]*>(.*?)<\/h4>/g)].map((match) => text(match[1] ?? ''));
  const hint = /<p[^>]*>(.*?)<\/p>/.exec(html)?.[1];
  return { buttons, headings, hint: hint === undefined ? null : text(hint) };
}

beforeAll(async () => {
  await i18next.use(initReactI18next).init({
    resources: { es: { booking: bookingEs }, en: { booking: bookingEn } },
    lng: 'es',
    defaultNS: 'booking',
    interpolation: { escapeValue: false },
  });
});

describe('SlotList: a customer in New York, the salon in Madrid', () => {
  it('before the US changes its clocks (6 hours apart): the customer\'s time first, Madrid\'s beside it', async () => {
    const view = await render('es', 'America/New_York', [slot('2026-03-06T10:00:00+01:00'), slot('2026-03-06T16:30:00+01:00')]);
    expect(view.hint).toBe('Horas en tu zona (New York)');
    expect(view.buttons.map((button) => button.text)).toEqual(['4:00 10:00 en Madrid', '10:30 16:30 en Madrid']);
    expect(view.headings).toEqual(['Mañana']);
  });

  it('between the US change (8 March 2026) and the EU one (29 March): 5 hours apart, the same Madrid times', async () => {
    const view = await render('es', 'America/New_York', [slot('2026-03-16T10:00:00+01:00'), slot('2026-03-16T16:30:00+01:00')]);
    expect(view.buttons.map((button) => button.text)).toEqual(['5:00 10:00 en Madrid', '11:30 16:30 en Madrid']);
  });

  it('on Madrid\'s change day (29 March, 02:00 → 03:00) and after it: 6 hours apart again, in summer time', async () => {
    const view = await render('en', 'America/New_York', [slot('2026-03-29T09:30:00+02:00'), slot('2026-03-30T19:00:00+02:00')]);
    expect(view.hint).toBe('Times in your zone (New York)');
    expect(view.buttons.map((button) => button.text)).toEqual(['3:30 AM 9:30 AM in Madrid', '1:00 PM 7:00 PM in Madrid']);
    expect(view.headings).toEqual(['Morning', 'Afternoon']);
  });

  it('groups by the customer\'s hour, and names the day when it is another one in their zone', async () => {
    // 00:30 in Madrid on 2 July is still 1 July, 18:30, in New York.
    const view = await render('en', 'America/New_York', [slot('2026-07-02T00:30:00+02:00')]);
    expect(view.headings).toEqual(['Evening']);
    expect(view.buttons[0]?.text).toBe('6:30 PM · Wed, Jul 1 12:30 AM in Madrid');
  });
});

describe('SlotList: a customer in the salon\'s zone', () => {
  it('shows one time per button and no zone hint, across the DST change as on any day', async () => {
    const view = await render('es', 'Europe/Madrid', [slot('2026-03-28T09:30:00+01:00'), slot('2026-03-29T09:30:00+02:00')]);
    expect(view.hint).toBeNull();
    expect(view.buttons.map((button) => button.text)).toEqual(['9:30', '9:30']);
  });

  it('a customer whose zone shares Madrid\'s offset then (Paris) also sees one time', async () => {
    const view = await render('en', 'Europe/Paris', [slot('2026-10-26T09:30:00+01:00')]);
    expect(view.buttons.map((button) => button.text)).toEqual(['9:30 AM']);
  });
});
