// `dpp qr`: the QR code of a Digital Link (canonicalised first), as SVG, PNG or terminal text.
import { writeFileSync } from 'node:fs';
import { canonicalDigitalLink, parseDigitalLink } from '../gs1/index.js';
import { qrCode, QR_FORMATS, type QrFormat } from '../gs1/qr-code.js';
import { usage } from './usage.js';

export async function qrCommand(uri: string, format: string, outFile: string | undefined, out: (s: string) => void): Promise<number> {
  if (!QR_FORMATS.includes(format as QrFormat)) throw usage('--format is svg, png or terminal');
  if (format === 'png' && !outFile) throw usage('a PNG needs --out FILE');
  // Keep the link's own host: the QR code must resolve where its owner serves it.
  const { stem } = parseDigitalLink(uri);
  const canonical = canonicalDigitalLink(uri, { stem });
  const image = await qrCode(canonical, format as QrFormat);
  if (outFile) {
    writeFileSync(outFile, image);
    out(`${canonical} → ${outFile}`);
  } else out(String(image));
  return 0;
}
