/**
 * A PDF read back as text (unpdf: PDF.js without native parts), for tests that check what an
 * invoice says: each page's text with no-break spaces and runs of white space as one space.
 */
import { extractText, getDocumentProxy, getMeta } from 'unpdf';

export async function pdfText(pdf: Uint8Array): Promise<{ pages: string[]; text: string; title: unknown; author: unknown }> {
  const document = await getDocumentProxy(new Uint8Array(pdf));
  try {
    const { text } = await extractText(document, { mergePages: false });
    const { info } = await getMeta(document);
    const pages = text.map((page) => page.replace(/[\s\u00a0\u202f]+/g, ' '));
    const meta = info as { Title?: unknown; Author?: unknown };
    return { pages, text: pages.join(' '), title: meta.Title, author: meta.Author };
  } finally {
    await document.cleanup();
  }
}
