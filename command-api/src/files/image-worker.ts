import sharp from 'sharp';
import { NatterError } from '@natter/contracts';

/** An image as stored: re-encoded without metadata (EXIF, GPS, XMP, ICC comments), plus its thumbnail. */
export interface ProcessedImage {
  data: Buffer;
  type: string;
  width: number;
  height: number;
  thumb: Buffer;
  thumbType: string;
  thumbWidth: number;
  thumbHeight: number;
}

/**
 * The image worker: sharp (libvips) decodes, rotates by the EXIF orientation, re-encodes without any metadata
 * and makes a thumbnail. The pixel work runs on libuv's thread pool, not on the event loop; at most
 * `concurrency` images are processed at once per process (the rest wait), so uploads cannot take every
 * thread or all memory.
 *
 * Decompression bombs: the header's dimensions are checked before anything is decoded (width x height over
 * `maxPixels` is 422 image_too_large), and sharp's own `limitInputPixels` stops a file whose header lies.
 */
export class ImageWorker {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly opts: { maxPixels: number; thumbPx: number; concurrency?: number }) {
    sharp.cache(false); // every image is new: libvips' operation cache only holds memory
  }

  process(input: Buffer, type: string): Promise<ProcessedImage> {
    return this.withSlot(() => this.run(input, type));
  }

  /** A square avatar of `px` pixels (cover crop), WebP without metadata. */
  avatar(input: Buffer, px: number): Promise<Buffer> {
    return this.withSlot(async () => {
      try {
        await this.check(input);
        return await sharp(input, { limitInputPixels: this.opts.maxPixels }).rotate().resize(px, px, { fit: 'cover' }).webp({ quality: 85 }).toBuffer();
      } catch (err) {
        throw asImageError(err, this.opts.maxPixels);
      }
    });
  }

  /**
   * At most `concurrency` images at once, the others wait in order. A finished job hands its slot straight
   * to the next waiter, so a caller arriving in between cannot take it too and run one over the limit.
   */
  private async withSlot<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= (this.opts.concurrency ?? 2)) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  private async check(input: Buffer): Promise<sharp.Metadata> {
    let meta: sharp.Metadata;
    try {
      // The header only (nothing is decoded), so no pixel limit here: ours below names the limit in the answer.
      meta = await sharp(input, { limitInputPixels: false }).metadata();
    } catch (err) {
      throw asImageError(err, this.opts.maxPixels);
    }
    const pixels = (meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0) * Math.max(1, meta.pages ?? 1);
    if (!meta.width || !meta.height) throw new NatterError('bad_image');
    if (pixels > this.opts.maxPixels) throw new NatterError('image_too_large', undefined, { maxPixels: this.opts.maxPixels, width: meta.width, height: meta.height });
    return meta;
  }

  private async run(input: Buffer, type: string): Promise<ProcessedImage> {
    await this.check(input);
    const animated = type === 'image/gif' || type === 'image/webp';
    try {
      const base = () => sharp(input, { limitInputPixels: this.opts.maxPixels, animated }).rotate();
      // Re-encode in the same format: metadata is dropped (sharp keeps none unless asked to).
      const encoded = await encode(base(), type).toBuffer({ resolveWithObject: true });
      const thumb = await sharp(input, { limitInputPixels: this.opts.maxPixels })
        .rotate()
        .resize(this.opts.thumbPx, this.opts.thumbPx, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer({ resolveWithObject: true });
      return {
        data: encoded.data, type,
        width: encoded.info.width, height: encoded.info.pageHeight ?? encoded.info.height,
        thumb: thumb.data, thumbType: 'image/webp', thumbWidth: thumb.info.width, thumbHeight: thumb.info.height,
      };
    } catch (err) {
      throw asImageError(err, this.opts.maxPixels);
    }
  }
}

function encode(img: sharp.Sharp, type: string): sharp.Sharp {
  switch (type) {
    case 'image/png':
      return img.png();
    case 'image/gif':
      return img.gif();
    case 'image/webp':
      return img.webp({ quality: 90 });
    default:
      return img.jpeg({ quality: 90, mozjpeg: true });
  }
}

function asImageError(err: unknown, maxPixels: number): NatterError {
  if (err instanceof NatterError) return err;
  if (/pixel limit/i.test(String((err as Error)?.message))) return new NatterError('image_too_large', undefined, { maxPixels }, { cause: err });
  return new NatterError('bad_image', undefined, undefined, { cause: err });
}
