/**
 * /widget.js — the snippet a business pastes into its own site:
 *
 *   <script src="https://reservehub.example/widget.js" data-business="demo" async></script>
 *
 * Attributes: data-business (required: the business's booking-page name), data-mode ("inline", the
 * default: the booking flow where the script stands, or inside data-target; "button": a floating
 * button that opens it in a dialog), data-service (open one service directly), data-locale (es|en;
 * default: the host page's language), data-label (the button's text), data-color (the button's
 * colour, #rrggbb).
 *
 * Events reach the host page two ways: `window.ReserveHub.on('booking_confirmed', (detail) => …)`
 * and a DOM CustomEvent `reservehub:booking_confirmed` that bubbles from the widget's container.
 * Only messages from the product's origin and from this widget's own iframe are believed.
 * Plain DOM and CSSOM only: no inline <style>, so the host page's own CSP needs nothing for it.
 */
import { isWidgetMessage, type WidgetEventName, type WidgetEvents } from './protocol.ts';

type Listener<Name extends WidgetEventName> = (detail: WidgetEvents[Name] & { business: string }) => void;

interface ReserveHubApi {
  on<Name extends WidgetEventName>(name: Name, listener: Listener<Name>): () => void;
  off<Name extends WidgetEventName>(name: Name, listener: Listener<Name>): void;
  /** Internal: every widget on the page (one script tag each) reports through the first one's registry. */
  _dispatch(name: WidgetEventName, detail: WidgetEvents[WidgetEventName] & { business: string }): void;
}

declare global {
  interface Window {
    ReserveHub?: ReserveHubApi;
  }
}

const WORDS = {
  es: { title: 'Reservar cita', button: 'Reservar', close: 'Cerrar' },
  en: { title: 'Book an appointment', button: 'Book now', close: 'Close' },
} as const;
type Locale = keyof typeof WORDS;

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/i;
const ID = /^[0-9a-f-]{36}$/i;
const COLOUR = /^#[0-9a-f]{6}$/i;

function api(): ReserveHubApi {
  const listeners = new Map<WidgetEventName, Set<Listener<WidgetEventName>>>();
  return {
    on(name, listener) {
      const forName = listeners.get(name) ?? new Set();
      forName.add(listener as Listener<WidgetEventName>);
      listeners.set(name, forName);
      return () => forName.delete(listener as Listener<WidgetEventName>);
    },
    off(name, listener) {
      listeners.get(name)?.delete(listener as Listener<WidgetEventName>);
    },
    _dispatch(name, detail) {
      for (const listener of listeners.get(name) ?? []) {
        try {
          listener(detail);
        } catch (error) {
          // eslint-disable-next-line no-console -- the host page's developer reads the console; a failing listener must not stop the others
          console.error('ReserveHub widget: an event listener failed', error);
        }
      }
    },
  };
}

function localeOf(asked: string | undefined): Locale {
  for (const tag of [asked, document.documentElement.lang, ...navigator.languages]) {
    const base = tag?.toLowerCase().split('-')[0];
    if (base === 'es' || base === 'en') return base;
  }
  return 'es';
}

function style(element: HTMLElement, rules: Record<string, string>): void {
  for (const [name, value] of Object.entries(rules)) element.style.setProperty(name, value);
}

function mount(script: HTMLScriptElement, registry: ReserveHubApi): void {
  const { business = '', mode = 'inline', service, label, color, target } = script.dataset;
  if (!SLUG.test(business)) {
    // eslint-disable-next-line no-console -- tells the developer pasting the snippet what is wrong with it
    console.error('ReserveHub widget: data-business must name a business (letters, digits and dashes)');
    return;
  }
  const productOrigin = new URL(script.src).origin;
  const locale = localeOf(script.dataset.locale);
  const words = WORDS[locale];
  const widgetId = crypto.randomUUID();
  const path = `/embed/${encodeURIComponent(business)}${service && ID.test(service) ? `/${service}` : ''}`;
  const query = new URLSearchParams({ host: location.origin, widget: widgetId, lang: locale });

  const container = document.createElement('div');
  container.className = 'reservehub-widget';
  container.dataset.business = business;
  const iframe = document.createElement('iframe');
  iframe.src = `${productOrigin}${path}?${query.toString()}`;
  iframe.title = words.title;
  style(iframe, { display: 'block', width: '100%', border: '0', 'color-scheme': 'normal' });

  let dialog: HTMLDialogElement | null = null;
  if (mode === 'button') {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label || words.button;
    button.setAttribute('aria-haspopup', 'dialog');
    style(button, {
      position: 'fixed', right: '16px', bottom: '16px', 'z-index': '2147483000', padding: '12px 20px',
      border: '0', 'border-radius': '999px', background: color && COLOUR.test(color) ? color : '#3b5bdb', color: '#fff',
      font: '600 16px/1.2 system-ui, sans-serif', cursor: 'pointer', 'box-shadow': '0 4px 16px rgba(0,0,0,.2)',
    });
    dialog = document.createElement('dialog');
    dialog.setAttribute('aria-label', words.title);
    style(dialog, {
      padding: '0', border: '0', 'border-radius': '12px', width: 'min(520px, calc(100vw - 16px))',
      height: 'min(760px, calc(100dvh - 16px))', 'max-width': '100vw', 'max-height': '100dvh', overflow: 'hidden',
    });
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '×';
    close.setAttribute('aria-label', words.close);
    style(close, {
      position: 'absolute', top: '4px', right: '4px', width: '44px', height: '44px', border: '0', background: 'transparent',
      font: '28px/1 system-ui, sans-serif', cursor: 'pointer', color: '#1c1f24',
    });
    style(iframe, { height: '100%' });
    // Loaded on first open: a page that never opens the dialog costs the business nothing more.
    const source = iframe.src;
    iframe.removeAttribute('src');
    const shown = dialog;
    const previousOverflow = { value: '' };
    button.addEventListener('click', () => {
      if (!iframe.getAttribute('src')) iframe.src = source;
      previousOverflow.value = document.documentElement.style.overflow;
      document.documentElement.style.overflow = 'hidden';
      shown.showModal();
    });
    close.addEventListener('click', () => shown.close());
    shown.addEventListener('close', () => {
      document.documentElement.style.overflow = previousOverflow.value;
      button.focus();
    });
    // A click on the backdrop (outside the dialog's box) closes it too.
    shown.addEventListener('click', (event) => {
      if (event.target === shown) shown.close();
    });
    shown.append(iframe, close);
    container.append(button, shown);
  } else {
    style(iframe, { height: '640px' });
    iframe.loading = 'lazy';
    container.append(iframe);
  }
  const host = target ? document.querySelector(target) : null;
  if (host) host.append(container);
  else if (script.parentNode && script.parentNode !== document.head) script.parentNode.insertBefore(container, script);
  // Pasted into <head>: the widget goes at the end of the page's body.
  else if (document.body) document.body.append(container);
  else document.addEventListener('DOMContentLoaded', () => document.body.append(container));

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    // Only this widget's own frame, from the product's origin, is believed.
    if (event.origin !== productOrigin || event.source !== iframe.contentWindow) return;
    if (!isWidgetMessage(event.data) || event.data.widget !== widgetId) return;
    const message = event.data;
    if (message.type === 'resize' && !dialog) {
      const height = Math.min(Math.max(Math.ceil(message.detail.height), 200), 6000);
      iframe.style.height = `${height}px`;
    }
    if (message.type === 'close') dialog?.close();
    const detail = { ...message.detail, business };
    container.dispatchEvent(new CustomEvent(`reservehub:${message.type}`, { detail, bubbles: true }));
    registry._dispatch(message.type, detail);
  });
}

const registry = (window.ReserveHub ??= api());
const current = document.currentScript;
if (current instanceof HTMLScriptElement) mount(current, registry);
