import { EMBED_PARAMS, parseOrigin, WIDGET_SOURCE, type WidgetEventName, type WidgetEvents } from '../widget/protocol.ts';

/**
 * The widget page's line to the page that frames it. It posts only to the host origin the loader
 * named, only when that origin really is the frame's parent (where the browser says so) and the
 * business allows it (its embed_origins; empty: any site). Anything else: silence.
 */
export interface HostChannel {
  readonly connected: boolean;
  /** In a dialog (button mode), Escape inside the frame asks the host to close it. */
  readonly inDialog: boolean;
  post<Name extends WidgetEventName>(type: Name, detail: WidgetEvents[Name]): void;
}

export function openHostChannel(search: string, allowedOrigins: readonly string[]): HostChannel {
  const params = new URLSearchParams(search);
  const host = parseOrigin(params.get(EMBED_PARAMS.host));
  const widget = params.get(EMBED_PARAMS.widget) ?? '';
  const framed = window.parent !== window;
  const ancestor = window.location.ancestorOrigins?.[0];
  const connected =
    framed && host !== null && /^[0-9a-f-]{36}$/i.test(widget) && (ancestor === undefined || ancestor === host) && (allowedOrigins.length === 0 || allowedOrigins.includes(host));
  return {
    connected,
    inDialog: params.get(EMBED_PARAMS.mode) === 'button',
    post(type, detail) {
      if (!connected || host === null) return;
      // The target origin makes the browser drop the message if the parent is any other site.
      window.parent.postMessage({ source: WIDGET_SOURCE, widget, type, detail }, host);
    },
  };
}
