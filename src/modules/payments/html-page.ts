import type { FastifyReply } from 'fastify';
import { ERROR_STATUS, type ErrorCode } from '../../platform/http/errors.ts';

/**
 * The few server-rendered pages payments serves to customers and businesses
 * (the hosted payment page, the sandbox's 3-D Secure and onboarding pages):
 * plain HTML, every interpolated value escaped, never cached.
 */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
button,.button{font-size:1rem;padding:.6rem 1.2rem;margin:.25rem .5rem .25rem 0;cursor:pointer;display:inline-block}
label{display:block;margin:.8rem 0 .2rem}input{font-size:1rem;padding:.5rem;width:100%;box-sizing:border-box}
.row{display:flex;gap:1rem}.row>div{flex:1}.error{color:#a40000;font-weight:600}.muted{color:#555;font-size:.9rem}
.test-mode{background:#fff3cd;border:2px solid #b8860b;padding:.6rem;font-weight:700;text-align:center}`;

export interface HtmlOptions {
  /** CSP nonce for the page's own `<style>` (pages served with a nonce-based policy). */
  styleNonce?: string | undefined;
  /** Extra `<head>` markup, already escaped. */
  head?: string;
  /** The page's language (`<html lang>`); English by default. */
  language?: string;
}

export function htmlDocument(title: string, body: string, options: HtmlOptions = {}): string {
  const nonce = options.styleNonce ? ` nonce="${escapeHtml(options.styleNonce)}"` : '';
  return `<!doctype html><html lang="${escapeHtml(options.language ?? 'en')}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><link rel="icon" href="/favicon.svg" type="image/svg+xml"><title>${escapeHtml(title)}</title><style${nonce}>${STYLE}</style>${options.head ?? ''}</head>
<body>${body}</body></html>`;
}

/** Sends a page: 200, or the status of `failure` from the one error table (the page says what went wrong). */
export function sendHtml(reply: FastifyReply, html: string, failure?: ErrorCode): FastifyReply {
  return reply.code(failure === undefined ? 200 : ERROR_STATUS[failure]).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}
