import { describe, expect, it } from 'vitest';
import { claimMismatch, sniff } from './sniff';

const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const html = new TextEncoder().encode('<!doctype html><script>alert(1)</script>');

describe('sniff', () => {
  it('recognises formats by content', () => {
    expect(sniff(png)).toEqual({ type: 'image/png', image: true });
    expect(sniff(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ type: 'image/jpeg', image: true });
    expect(sniff(new TextEncoder().encode('GIF89a....'))).toEqual({ type: 'image/gif', image: true });
    expect(sniff(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toEqual({ type: 'image/webp', image: true });
    expect(sniff(new TextEncoder().encode('%PDF-1.7')).type).toBe('application/pdf');
    expect(sniff(new TextEncoder().encode('\0\0\0\x18ftypmp42')).type).toBe('video/mp4');
  });
  it('calls markup and unknown bytes octet-stream (never html, never svg)', () => {
    expect(sniff(html).type).toBe('application/octet-stream');
    expect(sniff(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')).type).toBe('application/octet-stream');
  });
  it('refuses a name or part type that claims what the content is not', () => {
    expect(claimMismatch('cat.png', 'image/png', sniff(html))).toBe('image/png');
    expect(claimMismatch('notes.txt', 'image/jpeg', sniff(html))).toBe('image/jpeg');
    expect(claimMismatch('cat.PNG', undefined, sniff(png))).toBeUndefined();
    expect(claimMismatch('page.html', 'text/html', sniff(html))).toBeUndefined();
    expect(claimMismatch('photo.jpg', 'image/png', sniff(png))).toBe('image/jpeg');
  });
});
