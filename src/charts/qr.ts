/**
 * The QR code of a workshop link, as a matrix of dark modules (true) — drawn by the page as a
 * small SVG to show on a projector. Error correction 'M' (about 15 % of the code may be lost);
 * the version grows with the text. Pure: no DOM.
 */
import qrcode from 'qrcode-generator';

export function qrMatrix(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}
