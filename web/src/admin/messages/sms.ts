/**
 * How a text message is billed: GSM-7 texts take 160 characters in one part and 153 per part
 * when split; anything outside GSM-7 (emoji, most accents other than the GSM ones) turns the
 * whole text into UCS-2, 70 characters in one part and 67 per part. GSM's extension characters
 * (€, [, ], {, }, ~, ^, \, |) count twice.
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';

export interface SmsLength {
  encoding: 'gsm' | 'ucs2';
  /** Characters as the network counts them (GSM units, or UTF-16 code units). */
  length: number;
  segments: number;
  /** Characters per part at this length (one part, or split). */
  perSegment: number;
}

export function smsLength(text: string): SmsLength {
  let units = 0;
  let gsm = true;
  for (const char of text) {
    if (GSM_BASIC.includes(char)) units += 1;
    else if (GSM_EXTENDED.includes(char)) units += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    const perSegment = units <= 160 ? 160 : 153;
    return { encoding: 'gsm', length: units, segments: units === 0 ? 0 : Math.ceil(units / perSegment), perSegment };
  }
  const length = text.length;
  const perSegment = length <= 70 ? 70 : 67;
  return { encoding: 'ucs2', length, segments: length === 0 ? 0 : Math.ceil(length / perSegment), perSegment };
}
