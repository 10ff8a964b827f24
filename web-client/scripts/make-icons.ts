/**
 * Draws the app icon (the speech bubble of public/icons/icon.svg) into PNGs with no image library:
 * a signed-distance rasteriser with 4x4 supersampling, written as PNG with node:zlib.
 * Run: node --import tsx web-client/scripts/make-icons.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

type RGB = [number, number, number];
const ACCENT: RGB = [0x4f, 0x46, 0xe5];
const WHITE: RGB = [255, 255, 255];

function roundedRectInside(x: number, y: number, x0: number, y0: number, x1: number, y1: number, r: number): boolean {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Colour at a point of the 512-unit design; `bleed` fills the whole square (maskable icon). */
function colourAt(x: number, y: number, bleed: boolean): RGB | null {
  // Maskable icons keep content in the central 80%: shrink the design around the centre.
  const k = bleed ? 0.8 : 1;
  const u = (x - 256) / k + 256;
  const v = (y - 256) / k + 256;
  const inBg = bleed || roundedRectInside(x, y, 0, 0, 512, 512, 112);
  if (!inBg) return null;
  const inBubble = roundedRectInside(u, v, 88, 152, 424, 360, 40);
  // Tail: triangle (160,352) (232,352) (160,416)
  const inTail = u >= 160 && v >= 352 && v <= 416 && (u - 160) / 72 + (v - 352) / 64 <= 1;
  if (inBubble || inTail) {
    for (const cx of [192, 256, 320]) if ((u - cx) ** 2 + (v - 256) ** 2 <= 22 * 22) return ACCENT;
    return WHITE;
  }
  return ACCENT;
}

function render(size: number, bleed: boolean): Buffer {
  const ss = 4;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let py = 0; py < size; py++) {
    raw[py * (size * 4 + 1)] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = ((px + (sx + 0.5) / ss) / size) * 512;
          const y = ((py + (sy + 0.5) / ss) / size) * 512;
          const c = colourAt(x, y, bleed);
          if (c) {
            r += c[0];
            g += c[1];
            b += c[2];
            a += 1;
          }
        }
      }
      const o = py * (size * 4 + 1) + 1 + px * 4;
      const n = ss * ss;
      raw[o] = a ? Math.round(r / a) : 0;
      raw[o + 1] = a ? Math.round(g / a) : 0;
      raw[o + 2] = a ? Math.round(b / a) : 0;
      raw[o + 3] = Math.round((a / n) * 255);
    }
  }
  return png(size, size, raw);
}

function png(w: number, h: number, raw: Buffer): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const out = join(import.meta.dirname, '../public/icons');
writeFileSync(join(out, 'icon-192.png'), render(192, false));
writeFileSync(join(out, 'icon-512.png'), render(512, false));
writeFileSync(join(out, 'maskable-512.png'), render(512, true));
console.log('icons written to', out);
