import en from './i18n/en.json';
import es from './i18n/es.json';
import { textColorOn, type Locale, type WidgetOptions } from './options.ts';
import { EMBED_PARAMS, isWidgetMessage, type HostEventName, type HostEvents, type WidgetMessage } from './protocol.ts';
import { WIDGET_CSS } from './styles.ts';

const TEXTS: Record<Locale, typeof es> = { es, en };
/** Without a word from the widget's page by then, it is not coming (a site the business did not list, no network). */
const READY_TIMEOUT_MS = 8_000;
/** The inline frame starts loading this far before it scrolls into view. */
const LAZY_MARGIN = '600px';

export type Dispatch = <Name extends HostEventName>(name: Name, detail: HostEvents[Name] & { business: string }) => void;

/** One widget on the host page: an iframe of /embed/{slug}, inline or in a dialog behind a button. */
export interface WidgetHandle {
  readonly business: string;
  readonly mode: WidgetOptions['mode'];
  /** The element the widget lives in; its events are dispatched on it and bubble to `document`. */
  readonly element: HTMLElement;
  open(): void;
  close(): void;
}

let sheet: CSSStyleSheet | null = null;
/** The widget's styles in its shadow root: a constructed sheet (no inline <style>, so a strict host CSP needs no exception). */
function styleRoot(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in root) {
    sheet ??= new CSSStyleSheet();
    if (sheet.cssRules.length === 0) sheet.replaceSync(WIDGET_CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = WIDGET_CSS;
    (root as ShadowRoot).append(style);
  }
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, attributes: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** Mounts the widget `options` describe; `productOrigin` is where /widget.js came from. */
export function mountWidget(script: HTMLScriptElement, options: WidgetOptions, productOrigin: string, dispatch: Dispatch): WidgetHandle {
  const texts = TEXTS[options.locale];
  const named = (key: 'dialogAt' | 'frameOf', name: string) => texts[key].replace('{name}', name);
  const path = encodeURIComponent(options.business) + (options.service ? `/${options.service}` : '');
  const widgetId = crypto.randomUUID();

  const host = element('div', { className: 'reservehub-widget' }, { 'data-business': options.business, 'data-mode': options.mode });
  const target = options.target ? document.querySelector(options.target) : null;
  if (target) target.append(host);
  else if (options.mode === 'inline' && script.parentNode && script.parentNode !== document.head) script.before(host);
  else document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  styleRoot(root);

  const emit: Dispatch = (name, detail) => {
    host.dispatchEvent(new CustomEvent(`reservehub:${name}`, { bubbles: true, detail }));
    dispatch(name, detail);
  };

  // The frame stays hidden until its page says it is ready; until then a line says what is happening and links to the booking page.
  const frame = element('div', { className: 'frame pending' });
  const status = element('p', { className: 'status' }, { role: 'status' });
  const statusText = element('span', { textContent: `${texts.loading} ` });
  const bookingPage = element('a', { href: `${productOrigin}/book/${path}`, target: '_blank', rel: 'noopener', textContent: texts.bookingPage });
  status.append(statusText, bookingPage);
  frame.append(status);
  const iframe = element('iframe', { title: texts.frame }, { allow: 'payment' });
  frame.append(iframe);
  let ready = false;
  const load = () => {
    if (iframe.getAttribute('src')) return;
    const query = new URLSearchParams({ [EMBED_PARAMS.widget]: widgetId, [EMBED_PARAMS.lang]: options.locale, [EMBED_PARAMS.mode]: options.mode });
    // A page without an http(s) origin (a file, a sandbox) gets no events; the booking still works.
    if (location.origin.startsWith('http')) query.set(EMBED_PARAMS.host, location.origin);
    iframe.src = `${productOrigin}/embed/${path}?${query.toString()}`;
    setTimeout(() => {
      if (!ready) statusText.textContent = `${texts.failed} `;
    }, READY_TIMEOUT_MS);
  };

  let title: HTMLElement | null = null;
  let closeDialog: (() => void) | null = null;
  const onMessage = (message: WidgetMessage) => {
    const business = options.business;
    if (message.type === 'ready') {
      const name = typeof message.detail.name === 'string' ? message.detail.name.slice(0, 200) : null;
      ready = true;
      frame.classList.remove('pending');
      status.remove();
      if (name) {
        iframe.title = named('frameOf', name);
        if (title) title.textContent = named('dialogAt', name);
      }
      emit('ready', { business, name });
    } else if (message.type === 'resize') {
      const height = Number(message.detail.height);
      if (!Number.isFinite(height) || height < 0) return;
      frame.style.setProperty('--rh-height', `${Math.min(Math.ceil(height), 100_000)}px`);
      emit('resize', { business, height });
    } else if (message.type === 'booking_confirmed') {
      emit('booking_confirmed', { ...message.detail, business });
    } else {
      // The widget's page asks to close (Escape inside the frame): the dialog closes and says so itself.
      closeDialog?.();
    }
  };
  // Only this widget's own frame, from the product's origin, naming this widget, is believed.
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (event.origin !== productOrigin || event.source !== iframe.contentWindow) return;
    if (isWidgetMessage(event.data) && event.data.widget === widgetId) onMessage(event.data);
  });

  if (options.mode === 'inline') {
    root.append(frame);
    // Loaded when it comes near the viewport: a widget at the foot of a long page costs nothing until then.
    if ('IntersectionObserver' in window) {
      const observer = new IntersectionObserver((entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        load();
      }, { rootMargin: LAZY_MARGIN });
      observer.observe(host);
    } else load();
    return { business: options.business, mode: options.mode, element: host, open: () => host.scrollIntoView({ block: 'start' }), close: () => undefined };
  }

  // Button mode: a floating button; the dialog holds the frame, loaded on the first sign of interest.
  const launcher = element('button', { type: 'button', className: `launcher ${options.position}`, textContent: options.label ?? texts.open }, { 'aria-haspopup': 'dialog' });
  if (options.color) {
    launcher.style.setProperty('--rh-color', options.color);
    launcher.style.setProperty('--rh-text', textColorOn(options.color));
  }
  const modal = element('dialog', {}, { 'aria-labelledby': 'rh-title' });
  title = element('h2', { className: 'title', id: 'rh-title', textContent: texts.dialog });
  const closeButton = element('button', { type: 'button', className: 'close', textContent: '×' }, { 'aria-label': texts.close });
  const bar = element('div', { className: 'bar' });
  bar.append(title, closeButton);
  const body = element('div', { className: 'body' });
  body.append(frame);
  // Focus stays inside: Tab past the frame's last control comes back to the close button; Shift+Tab before it goes to the frame.
  const before = element('span', { tabIndex: 0 });
  const after = element('span', { tabIndex: 0 });
  before.addEventListener('focus', () => iframe.focus());
  after.addEventListener('focus', () => closeButton.focus());
  modal.append(before, bar, body, after);
  root.append(launcher, modal);

  let restoreOverflow: string | null = null;
  const open = () => {
    if (modal.open) return;
    load();
    restoreOverflow = document.documentElement.style.overflow;
    // The page behind stays put while the dialog is open.
    document.documentElement.style.overflow = 'hidden';
    modal.showModal();
    closeButton.focus();
    emit('open', { business: options.business });
  };
  // Escape, the ×, a click outside, the widget's page asking or the API: one way out, run at once and once.
  const closed = () => {
    if (restoreOverflow === null) return;
    document.documentElement.style.overflow = restoreOverflow;
    restoreOverflow = null;
    launcher.focus();
    emit('close', { business: options.business });
  };
  const close = () => {
    if (modal.open) modal.close();
    closed();
  };
  closeDialog = close;
  modal.addEventListener('cancel', close);
  modal.addEventListener('close', closed);
  closeButton.addEventListener('click', close);
  modal.addEventListener('click', (event) => {
    if (event.target !== modal) return;
    const box = modal.getBoundingClientRect();
    if (event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom) close();
  });
  launcher.addEventListener('click', open);
  launcher.addEventListener('pointerenter', load, { once: true });
  launcher.addEventListener('focus', load, { once: true });
  return { business: options.business, mode: options.mode, element: host, open, close };
}
