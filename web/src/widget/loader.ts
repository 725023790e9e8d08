/**
 * /widget.js — the snippet a business pastes into its own site (docs/widget.md):
 *
 *   <script src="https://reservehub.example/widget.js" data-business="demo" async></script>
 *
 * Attributes: data-business (required), data-mode (inline | button), data-service, data-locale,
 * data-target, data-label, data-color, data-position. The booking flow runs in an iframe of
 * /embed/{business}, inline or in a dialog behind a floating button.
 *
 * Events reach the host page two ways: `window.ReserveHub.on('booking_confirmed', (detail) => …)`
 * and a DOM CustomEvent `reservehub:booking_confirmed` that bubbles from the widget's element.
 * Only messages from the product's origin, from this widget's own iframe and naming its id are
 * believed. DOM and CSSOM only (a shadow root, a constructed stylesheet): no inline <style> or
 * eval, so the host page's CSP needs nothing beyond allowing the script and the frame.
 */
import { readOptions } from './options.ts';
import type { HostEventName, HostEvents } from './protocol.ts';
import { mountWidget, type WidgetHandle } from './widget.ts';

type Listener<Name extends HostEventName> = (detail: HostEvents[Name] & { business: string }) => void;

interface ReserveHubApi {
  /** Every widget on the page (one script tag each). */
  readonly widgets: WidgetHandle[];
  on<Name extends HostEventName>(name: Name, listener: Listener<Name>): () => void;
  off<Name extends HostEventName>(name: Name, listener: Listener<Name>): void;
  /** Opens the dialog of a button-mode widget: the first one, or `business`'s. */
  open(business?: string): void;
  close(business?: string): void;
  /** Internal: every widget on the page reports through the first script's registry. */
  _dispatch<Name extends HostEventName>(name: Name, detail: HostEvents[Name] & { business: string }): void;
}

declare global {
  interface Window {
    ReserveHub?: ReserveHubApi;
  }
}

function api(): ReserveHubApi {
  const listeners = new Map<HostEventName, Set<Listener<HostEventName>>>();
  const widgets: WidgetHandle[] = [];
  const dialogOf = (business?: string) => widgets.find((widget) => widget.mode === 'button' && (business === undefined || widget.business === business));
  return {
    widgets,
    on(name, listener) {
      const forName = listeners.get(name) ?? new Set();
      forName.add(listener as Listener<HostEventName>);
      listeners.set(name, forName);
      return () => forName.delete(listener as Listener<HostEventName>);
    },
    off(name, listener) {
      listeners.get(name)?.delete(listener as Listener<HostEventName>);
    },
    open: (business) => dialogOf(business)?.open(),
    close: (business) => dialogOf(business)?.close(),
    _dispatch(name, detail) {
      for (const listener of listeners.get(name) ?? []) {
        try {
          (listener as Listener<typeof name>)(detail);
        } catch (error) {
          // eslint-disable-next-line no-console -- the host page's developer reads the console; a failing listener must not stop the others
          console.error('ReserveHub widget: an event listener failed', error);
        }
      }
    },
  };
}

const registry = (window.ReserveHub ??= api());
const script = document.currentScript;
if (script instanceof HTMLScriptElement && script.src) {
  const mount = () => {
    try {
      registry.widgets.push(mountWidget(script, readOptions(script), new URL(script.src).origin, (name, detail) => registry._dispatch(name, detail)));
    } catch (error) {
      // eslint-disable-next-line no-console -- tells the developer pasting the snippet what is wrong with it
      console.error(`ReserveHub widget: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  // Pasted into <head> without async: the body is not there yet.
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
}
