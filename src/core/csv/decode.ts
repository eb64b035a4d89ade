/**
 * Bytes → text: a streaming UTF-8 decoder, and the check that turns away files that are not
 * text (zip/xlsx, old Excel, UTF-16, gzip, NUL bytes, mostly invalid UTF-8).
 */
import { WorkbenchError } from '../errors';

/** bytes at the start of the file inspected for binary content */
export const HEAD_BYTES = 1024;

/**
 * TextDecoder exists in Node ≥ 11 and in browsers and workers; core compiles without ambient
 * types, so it is reached through globalThis with a minimal local type.
 */
export interface TextDecoderLike {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
type TextDecoderCtor = new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => TextDecoderLike;

/** A UTF-8 decoder that drops a leading BOM and replaces invalid sequences with U+FFFD. */
export function newUtf8Decoder(): TextDecoderLike {
  const Ctor = (globalThis as unknown as { TextDecoder?: TextDecoderCtor }).TextDecoder;
  if (!Ctor) throw new WorkbenchError('internal', 'This environment has no TextDecoder.', 'Use a current browser or Node 20+.');
  // ignoreBOM: false → a leading UTF-8 BOM is consumed by the decoder
  return new Ctor('utf-8', { fatal: false, ignoreBOM: false });
}

/** `csv-binary` when the first `len` bytes of a file show it is not UTF-8 text; else null. */
export function binaryError(head: Uint8Array, len: number): WorkbenchError | null {
  const b = (i: number): number => (i < len ? head[i] : -1);
  const hint = 'Choose a plain-text CSV file saved as UTF-8 (in Excel: File → Save As → "CSV UTF-8").';
  if (b(0) === 0x50 && b(1) === 0x4b && b(2) === 0x03 && b(3) === 0x04) {
    return new WorkbenchError('csv-binary', 'This file is a zip archive (for example an Excel .xlsx workbook), not CSV text.', hint);
  }
  if (b(0) === 0xd0 && b(1) === 0xcf && b(2) === 0x11 && b(3) === 0xe0) {
    return new WorkbenchError('csv-binary', 'This file is an old-style Excel (.xls) or Office document, not CSV text.', hint);
  }
  if ((b(0) === 0xff && b(1) === 0xfe) || (b(0) === 0xfe && b(1) === 0xff)) {
    return new WorkbenchError('csv-binary', 'This file is UTF-16 text; only UTF-8 CSV is supported.', hint);
  }
  if (b(0) === 0x1f && b(1) === 0x8b) {
    return new WorkbenchError('csv-binary', 'This file is gzip-compressed, not CSV text.', 'Decompress it first, then choose the .csv file.');
  }
  for (let i = 0; i < len; i++) {
    if (head[i] === 0) {
      return new WorkbenchError('csv-binary', `This file contains binary data (a NUL byte at offset ${i}), not CSV text.`, hint);
    }
  }
  // invalid UTF-8: count replacement characters in the head (a char cut at the end counts once)
  const text = newUtf8Decoder().decode(head.subarray(0, len));
  let bad = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) bad++;
  if (bad > 2 && bad > 0.2 * text.length) {
    return new WorkbenchError('csv-binary', `This file does not look like text: ${bad} of the first ${text.length} characters are not valid UTF-8.`, hint);
  }
  return null;
}

/** `csv-binary` when decoded text holds a NUL character near its start; else null. */
export function binaryTextError(text: string): WorkbenchError | null {
  const nul = text.slice(0, HEAD_BYTES).indexOf('\0');
  if (nul < 0) return null;
  return new WorkbenchError('csv-binary', `This text contains binary data (a NUL character at offset ${nul}), not CSV.`, 'Choose a plain-text CSV file saved as UTF-8.');
}

/** How many U+FFFD replacement characters a decoded text holds. */
export function countReplaced(text: string): number {
  let k = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) k++;
  return k;
}
