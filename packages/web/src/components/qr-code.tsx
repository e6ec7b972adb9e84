/**
 * A QR code as inline SVG (no data: URL, no canvas): one path of dark modules plus a quiet zone,
 * dark on light whatever the page theme. Encoding is qrcode-generator's, as in the CLI's
 * verify command (upper-case hex, alphanumeric mode, error correction M), so both show the same
 * code for the same safety number.
 * @module
 */
import qrcode from 'qrcode-generator';

/** Modules of light margin around the code. */
const QUIET_ZONE = 4;

/** The QR code of `payload`, labelled for screen readers. */
export function QrCode(props: { payload: Uint8Array; label: string }) {
  const hex = Array.from(props.payload, (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
  const qr = qrcode(0, 'M');
  qr.addData(hex, 'Alphanumeric');
  qr.make();
  const size = qr.getModuleCount();
  let d = '';
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (qr.isDark(row, col)) d += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`;
    }
  }
  const full = size + 2 * QUIET_ZONE;
  return (
    <svg
      class="qr"
      viewBox={`0 0 ${full} ${full}`}
      role="img"
      aria-label={props.label}
      shape-rendering="crispEdges"
    >
      <rect class="qr-light" width={full} height={full} />
      <path class="qr-dark" d={d} />
    </svg>
  );
}
