/**
 * The images the engine writes (prompt images, in-memory frames): their format, a bounded pool that
 * encodes them concurrently on libvips' threads while the task generators go on, and a bounded LRU
 * cache of decoded colour frames so a frame used by many prompts is decoded once while it is held.
 *
 * Output bytes depend only on the pixels and the format options, never on the order or timing of
 * the encodes: the same inputs, seed and package lock give byte-identical files. What changes them
 * is the encoder: sharp's bundled libvips (mozjpeg/libjpeg-turbo for JPEG, libspng + zlib-ng for
 * PNG), i.e. a different sharp version in the lock.
 * @module
 */
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { describeValue, spatialError } from '../errors.js';
import { writeFileAtomic } from '../io/files.js';
import type { Image } from '../types.js';

/** Format of the images the engine encodes (defaults in brackets). */
export interface ImageFormatOptions {
  /** 'jpg' (baseline JPEG, what MultiSPA writes) or 'png' (lossless) ['jpg']. */
  imageFormat?: ImageFormat;
  /** JPEG quality 1..100 [95, MultiSPA's]. Only for 'jpg'. */
  jpegQuality?: number;
  /** PNG zlib level 0..9 [6]. Only for 'png'. */
  pngCompression?: number;
}

export type ImageFormat = 'jpg' | 'png';

/** The defaults of {@link ImageFormatOptions} (the CLI's `--help` prints them). */
export const IMAGE_FORMAT_DEFAULTS = { imageFormat: 'jpg', jpegQuality: 95, pngCompression: 6 } as const satisfies Required<ImageFormatOptions>;
export const IMAGE_FORMATS: readonly ImageFormat[] = ['jpg', 'png'];

/** Checked {@link ImageFormatOptions} with their defaults filled in. */
export interface ImageFormatSpec {
  format: ImageFormat;
  jpegQuality: number;
  pngCompression: number;
}

function integerIn(v: unknown, lo: number, hi: number, name: string): number {
  if (typeof v !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected an integer for ${name} but received ${describeValue(v)}`);
  if (!Number.isInteger(v) || v < lo || v > hi) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be an integer in [${lo}, ${hi}] (got ${v})`);
  return v;
}

/**
 * Checks the image-format options and fills in the defaults (JPEG quality 95).
 * @throws ERR_SPATIAL_FORMAT for an unknown format; ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE for a
 *   quality or level that is not an integer in range.
 */
export function imageFormatSpec(opts: ImageFormatOptions = {}): ImageFormatSpec {
  const format = opts.imageFormat ?? IMAGE_FORMAT_DEFAULTS.imageFormat;
  if (!IMAGE_FORMATS.includes(format))
    throw spatialError('ERR_SPATIAL_FORMAT', `Expected ${IMAGE_FORMATS.map((f) => `'${f}'`).join(' or ')} for imageFormat but received ${describeValue(format)}`);
  return {
    format,
    jpegQuality: opts.jpegQuality === undefined ? IMAGE_FORMAT_DEFAULTS.jpegQuality : integerIn(opts.jpegQuality, 1, 100, 'jpegQuality'),
    pngCompression: opts.pngCompression === undefined ? IMAGE_FORMAT_DEFAULTS.pngCompression : integerIn(opts.pngCompression, 0, 9, 'pngCompression'),
  };
}

/** The file extension of a format, with its dot. */
export function imageExtension(spec: ImageFormatSpec): string {
  return `.${spec.format}`;
}

/** Encodes an 8-bit RGB or grey image (RGBA only as PNG) in memory. */
export async function encodeImage(img: Image, spec: ImageFormatSpec): Promise<Buffer> {
  let pipeline = sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: img.channels } });
  if (img.channels === 1) pipeline = pipeline.toColourspace('b-w');
  if (spec.format === 'png') return pipeline.png({ compressionLevel: spec.pngCompression }).toBuffer();
  if (img.channels === 4) throw spatialError('ERR_SPATIAL_FORMAT', 'JPEG cannot store the alpha channel of a 4-channel image; use imageFormat png');
  return pipeline.jpeg({ quality: spec.jpegQuality }).toBuffer();
}

/**
 * Encodes and writes images with at most `concurrency` encodes in flight (each on a libvips worker
 * thread), so the caller draws the next prompt while earlier ones are encoded. {@link write} resolves
 * once the image is queued (waiting while the pool is full: at most `concurrency` images are held);
 * {@link drain} waits for every write and rethrows the first failure. Files are written atomically.
 */
export class ImageWriter {
  readonly spec: ImageFormatSpec;
  readonly concurrency: number;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;

  constructor(spec: ImageFormatSpec, concurrency = Math.max(2, availableParallelism())) {
    this.spec = spec;
    this.concurrency = concurrency;
  }

  /** Queues `img` for encoding to `path` (the caller must not change `img` afterwards). */
  async write(path: string, img: Image): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    if (this.failure !== undefined) throw this.failure;
    const job: Promise<void> = encodeImage(img, this.spec)
      .then((bytes) => writeFileAtomic(path, bytes, 'image', { mkdir: true }))
      .catch((e: unknown) => { if (this.failure === undefined) this.failure = e; })
      .finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  /** Waits for every queued write; throws the first error any of them had. */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.all(this.inFlight);
    if (this.failure !== undefined) throw this.failure;
  }
}

/**
 * A bounded least-recently-used cache of decoded images by key (frame index), at most `maxBytes`
 * of pixels held (one image is always kept, however large). Holds the decode promise, so
 * concurrent requests for one frame share one decode. Callers must not change the pixels they get
 * (prompts draw on a copy: `toRgb`).
 */
export class DecodedImageCache {
  private readonly entries = new Map<number, { image: Promise<Image>; bytes: number }>();
  private held = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes = 256 * 2 ** 20) {}

  get(key: number, load: () => Promise<Image>): Promise<Image> {
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
      return hit.image;
    }
    this.misses++;
    const entry = { image: load(), bytes: 0 };
    this.entries.set(key, entry);
    entry.image.then(
      (img) => {
        if (this.entries.get(key) !== entry) return;
        entry.bytes = img.data.byteLength;
        this.held += entry.bytes;
        this.evict();
      },
      () => { if (this.entries.get(key) === entry) this.entries.delete(key); },
    );
    return entry.image;
  }

  private evict(): void {
    for (const [key, e] of this.entries) {
      if (this.held <= this.maxBytes || this.entries.size <= 1) return;
      if (e.bytes === 0) continue; // still decoding
      this.entries.delete(key);
      this.held -= e.bytes;
    }
  }
}
