import { Liquid, LiquidError, Tag, type TagToken, type TopLevelToken } from 'liquidjs';
import {
  REQUIRED_VARIABLES,
  TEMPLATE_VARIABLES,
  sampleVariables,
  type Language,
  type TemplateKey,
  type TemplateVariables,
} from './notification-catalogue.ts';

/**
 * Tenant-editable templates, rendered with LiquidJS in a sandbox:
 * - no file access: templates come from an empty in-memory map and
 *   `include`, `render` and `layout` are refused when the template is parsed;
 * - only own properties of the plain data we pass are readable;
 * - unknown filters and variables are errors, not silent blanks;
 * - parse size, render time and memory (loops, string growth) are bounded,
 *   and so is the rendered output.
 */

export const TEMPLATE_SOURCE_LIMIT = 20_000;
// Wall-clock time, so it also counts garbage collection and a busy machine's waits: at 250 ms a
// sign-up's default verification e-mail failed (500) on a loaded machine. Runaway loops hit the
// memory and output bounds long before this.
export const RENDER_TIME_LIMIT_MS = 1_000;
export const RENDER_MEMORY_LIMIT = 1_000_000;
export const OUTPUT_LIMIT = 100_000;

/** A template that cannot be saved or rendered; `field` names the part at fault. */
export class TemplateError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'TemplateError';
    this.field = field;
  }
}

class RefusedTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    throw new Error(`the "${token.name}" tag is not allowed in notification templates`);
  }
  render(): void {
    // Never reached: construction always refuses.
  }
}

function sandboxedLiquid(escapeOutput: boolean): Liquid {
  const liquid = new Liquid({
    templates: {},
    relativeReference: false,
    dynamicPartials: false,
    strictFilters: true,
    strictVariables: true,
    ownPropertyOnly: true,
    parseLimit: TEMPLATE_SOURCE_LIMIT,
    renderLimit: RENDER_TIME_LIMIT_MS,
    memoryLimit: RENDER_MEMORY_LIMIT,
    cache: false,
    ...(escapeOutput ? { outputEscape: 'escape' as const } : {}),
  });
  for (const name of ['include', 'render', 'layout', 'block']) liquid.registerTag(name, RefusedTag);
  return liquid;
}

const textLiquid = sandboxedLiquid(false);
const htmlLiquid = sandboxedLiquid(true);

export interface TemplateSource {
  subject?: string | null | undefined;
  body: string;
  bodyHtml?: string | null | undefined;
}

export interface RenderedMessage {
  subject: string | null;
  text: string;
  html: string | null;
}

function describe(error: unknown): string {
  if (error instanceof LiquidError) return error.message.split('\n')[0] ?? 'invalid template';
  return error instanceof Error ? error.message : 'invalid template';
}

function renderPart(liquid: Liquid, field: string, source: string, variables: TemplateVariables): string {
  if (source.length > TEMPLATE_SOURCE_LIMIT) {
    throw new TemplateError(field, `the template is longer than ${TEMPLATE_SOURCE_LIMIT} characters`);
  }
  let output: string;
  try {
    output = String(liquid.parseAndRenderSync(source, variables));
  } catch (error) {
    throw new TemplateError(field, describe(error));
  }
  if (output.length > OUTPUT_LIMIT) throw new TemplateError(field, `the rendered text is longer than ${OUTPUT_LIMIT} characters`);
  return output;
}

const escapeHtml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

/** Paragraphs and line breaks of an HTML-escaped text, with its links made clickable. */
function textToHtml(escaped: string): string {
  const linked = escaped.replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
  const paragraphs = linked
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => `<p>${paragraph.replaceAll('\n', '<br>\n')}</p>`);
  return `<!doctype html>\n<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222">\n${paragraphs.join('\n')}\n</body></html>`;
}

/**
 * Renders a template with variables: subject and body as text; the HTML body
 * from `bodyHtml` when the template has one (values HTML-escaped), else from
 * the text body (escaped, paragraphs, links).
 */
export function renderTemplate(source: TemplateSource, variables: TemplateVariables, withHtml: boolean): RenderedMessage {
  const subject =
    source.subject === undefined || source.subject === null
      ? null
      : renderPart(textLiquid, 'subject', source.subject, variables).replace(/\s+/g, ' ').trim();
  const text = renderPart(textLiquid, 'body', source.body, variables);
  let html: string | null = null;
  if (withHtml) {
    html =
      source.bodyHtml !== undefined && source.bodyHtml !== null
        ? renderPart(htmlLiquid, 'body_html', source.bodyHtml, variables)
        : // Escaping the rendered text escapes the template's own words and the values alike.
          textToHtml(escapeHtml(text));
  }
  return { subject, text, html };
}

/**
 * Checks a template before it is saved: it parses, uses only the variables
 * declared for its key, and renders with sample data. Returns the variables
 * it uses.
 */
export function validateTemplate(key: TemplateKey, language: Language, source: TemplateSource): string[] {
  const allowed = new Set(TEMPLATE_VARIABLES[key]);
  const allowedRoots = new Set([...allowed].map((path) => path.split('.')[0] ?? path));
  const used = new Set<string>();
  const parts: Array<[string, string | null | undefined]> = [
    ['subject', source.subject],
    ['body', source.body],
    ['body_html', source.bodyHtml],
  ];
  for (const [field, text] of parts) {
    if (text === undefined || text === null) continue;
    if (text.length > TEMPLATE_SOURCE_LIMIT) {
      throw new TemplateError(field, `the template is longer than ${TEMPLATE_SOURCE_LIMIT} characters`);
    }
    let segments: ReturnType<typeof textLiquid.globalVariableSegmentsSync>;
    try {
      segments = textLiquid.globalVariableSegmentsSync(text);
    } catch (error) {
      throw new TemplateError(field, describe(error));
    }
    const usedHere = new Set<string>();
    for (const segment of segments) {
      const path = segment.filter((part): part is string => typeof part === 'string').join('.');
      // A whole object ({{ booking }}) is allowed when it is a declared root; anything else must be declared exactly.
      if (!allowed.has(path) && !(segment.length === 1 && allowedRoots.has(path))) {
        throw new TemplateError(field, `unknown variable "${path}"; this template may use: ${[...allowed].join(', ')}`);
      }
      used.add(path);
      usedHere.add(path);
    }
    if (field !== 'subject') {
      const missing = (REQUIRED_VARIABLES[key] ?? []).filter((path) => !usedHere.has(path));
      if (missing.length > 0) throw new TemplateError(field, `this message must show ${missing.map((path) => `{{ ${path} }}`).join(', ')}`);
    }
  }
  renderTemplate(source, sampleVariables(key, language), true);
  return [...used].sort();
}
