/**
 * Renders a safety-number QR payload as a QR code in the terminal, two module rows per text
 * line with Unicode half blocks. The payload is encoded as upper-case hex in the QR
 * alphanumeric mode (hex digits are all alphanumeric-mode characters), error correction M.
 * QR encoding itself is qrcode-generator's; only the drawing is ours.
 *
 * @module
 */
import qrcode from 'qrcode-generator';

/** Modules of light margin around the code (scanners need a quiet zone). */
const QUIET_ZONE = 2;

/** The QR code of `payload` drawn with half blocks, dark modules as dark cells. */
export function renderQr(payload: Uint8Array): string {
  const qr = qrcode(0, 'M');
  qr.addData(Buffer.from(payload).toString('hex').toUpperCase(), 'Alphanumeric');
  qr.make();
  const size = qr.getModuleCount();
  const dark = (row: number, col: number): boolean =>
    row >= 0 && col >= 0 && row < size && col < size && qr.isDark(row, col);
  const lines: string[] = [];
  for (let row = -QUIET_ZONE; row < size + QUIET_ZONE; row += 2) {
    let line = '';
    for (let col = -QUIET_ZONE; col < size + QUIET_ZONE; col++) {
      const top = dark(row, col);
      const bottom = dark(row + 1, col);
      // Dark modules are block characters: right for light terminals; on dark themes most
      // scanners still read the inverted code.
      line += top ? (bottom ? '█' : '▀') : bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines.join('\n');
}
