// QR codes of Digital Links: SVG, PNG or terminal text, error correction M or better, the 4-module quiet zone kept.
import QRCode from 'qrcode';

export type QrFormat = 'svg' | 'png' | 'terminal';
export const QR_FORMATS: readonly QrFormat[] = ['svg', 'png', 'terminal'];

export interface QrOptions {
  /** M (15 %) by default; Q or H for labels that get scratched. */
  errorCorrection?: 'M' | 'Q' | 'H';
  /** PNG: pixels per module. */
  scale?: number;
}

const QUIET_ZONE_MODULES = 4;

export async function qrCode(text: string, format: 'png', options?: QrOptions): Promise<Buffer>;
export async function qrCode(text: string, format: 'svg' | 'terminal', options?: QrOptions): Promise<string>;
export async function qrCode(text: string, format: QrFormat, options?: QrOptions): Promise<string | Buffer>;
export async function qrCode(text: string, format: QrFormat, options: QrOptions = {}): Promise<string | Buffer> {
  const common = { errorCorrectionLevel: options.errorCorrection ?? 'M', margin: QUIET_ZONE_MODULES } as const;
  if (format === 'png') return QRCode.toBuffer(text, { ...common, type: 'png', scale: options.scale ?? 8 });
  if (format === 'svg') return QRCode.toString(text, { ...common, type: 'svg' });
  return QRCode.toString(text, { ...common, type: 'terminal', small: true });
}
