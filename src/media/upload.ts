import { createHash } from 'node:crypto'
import sharp, { type Metadata } from 'sharp'
import { DramalogError } from '../domain/errors.ts'
import type { PosterImage } from '../domain/records.ts'
import { isSlug } from '../domain/slug.ts'
import { MAX_INPUT_PIXELS, renderPoster, writePoster } from './posters.ts'

export { MAX_INPUT_PIXELS }
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024
/** Smallest poster accepted: anything less would be blown up far past its detail. */
export const MIN_POSTER_WIDTH = 200
export const MIN_POSTER_HEIGHT = 300

const MB = 1024 * 1024
const ACCEPTED = 'JPEG, PNG, WebP, AVIF or GIF'

const messages = {
  empty: (file: string) => `${file} is empty`,
  tooLarge: (file: string, bytes: number) =>
    `${file} is ${(bytes / MB).toFixed(1)} MB; a poster may be at most ${MAX_UPLOAD_BYTES / MB} MB`,
  notImage: (file: string) => `${file} is not an image (${ACCEPTED})`,
  unsupported: (file: string, kind: string) => `${file} is in ${kind} format; a poster must be ${ACCEPTED}`,
  tooManyPixels: (file: string, width: number, height: number) =>
    `${file} is ${width} × ${height} pixels (${megapixels(width * height)} megapixels); ` +
    `a poster may be at most ${megapixels(MAX_INPUT_PIXELS)} megapixels`,
  tooSmall: (file: string, width: number, height: number) =>
    `${file} is only ${width} × ${height} pixels; a poster must be at least ${MIN_POSTER_WIDTH} × ${MIN_POSTER_HEIGHT}`,
  damaged: (file: string) => `${file} is damaged or incomplete and cannot be read as an image`,
}

/** Names of formats sharp can read but posters do not take, for the refusal message. */
const FORMAT_NAMES: Record<string, string> = {
  svg: 'SVG', tiff: 'TIFF', jp2: 'JPEG 2000', jxl: 'JPEG XL', pdf: 'PDF', heif: 'HEIC', raw: 'raw',
}

/** Thrown when an uploaded file is not an acceptable poster; `message` is shown to the reviewer as is. */
export class UploadError extends DramalogError {
  override name = 'UploadError' as const
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_input', message, options)
  }
}

/**
 * Checks an uploaded poster by its content and stores it in every width and format.
 * The stored key is `key` plus a hash of the bytes, so a new upload never overwrites the files a
 * published page still shows. Throws `UploadError` for any file that is refused; nothing is
 * written then.
 * @example
 * const { src, image } = await storeUploadedPoster(site.mediaDir, 'paper-lanterns-season-1', bytes, 'poster.jpg')
 * // src: '/media/posters/paper-lanterns-season-1-3fa85f64.w900.jpg'
 */
export async function storeUploadedPoster(
  mediaDir: string,
  key: string,
  bytes: Uint8Array,
  declaredName?: string,
): Promise<{ src: string; image: PosterImage }> {
  // The key becomes a file name: only a slug is safe there (no separators, no dots).
  if (!isSlug(key)) throw new DramalogError('internal', `poster key "${key}" is not a slug`)
  const file = fileLabel(declaredName)
  if (bytes.byteLength === 0) throw new UploadError(messages.empty(file))
  if (bytes.byteLength > MAX_UPLOAD_BYTES) throw new UploadError(messages.tooLarge(file, bytes.byteLength))

  checkImage(file, await readMetadata(file, bytes))

  const rendered = await renderPoster(bytes).catch((err: unknown) => {
    throw new UploadError(messages.damaged(file), { cause: err })
  })
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 8)
  return writePoster(mediaDir, `${key}-${hash}`, rendered)
}

/** Reads the image header only: no pixel is decoded, so a decompression bomb costs nothing here. */
async function readMetadata(file: string, bytes: Uint8Array): Promise<Metadata> {
  try {
    // The pixel limit is checked by hand below, with a message that gives the size.
    return await sharp(bytes, { limitInputPixels: false }).metadata()
  } catch (err) {
    throw new UploadError(hasImageSignature(bytes) ? messages.damaged(file) : messages.notImage(file), { cause: err })
  }
}

/** Refuses formats posters do not take, images too large to decode and images too small to show. */
function checkImage(file: string, meta: Metadata): void {
  const isAvif = meta.format === 'heif' && meta.compression === 'av1'
  if (!['jpeg', 'png', 'webp', 'gif'].includes(meta.format) && !isAvif) {
    throw new UploadError(messages.unsupported(file, FORMAT_NAMES[meta.format] ?? meta.format.toUpperCase()))
  }
  const { width, height } = meta
  if (!width || !height) throw new UploadError(messages.damaged(file))
  if (width * height > MAX_INPUT_PIXELS) throw new UploadError(messages.tooManyPixels(file, width, height))
  // Judge the size the reviewer sees: a sideways photo is shown turned by its EXIF orientation.
  const upright = meta.autoOrient ?? { width, height }
  if (upright.width < MIN_POSTER_WIDTH || upright.height < MIN_POSTER_HEIGHT) {
    throw new UploadError(messages.tooSmall(file, upright.width, upright.height))
  }
}

/** True when the bytes start like one of the accepted formats, so a failure means damage, not a wrong file. */
function hasImageSignature(bytes: Uint8Array): boolean {
  const text = (start: number, end: number) => Buffer.from(bytes.subarray(start, end)).toString('latin1')
  return (
    (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) ||
    text(0, 8) === '\x89PNG\r\n\x1a\n' ||
    /^GIF8[79]a/.test(text(0, 6)) ||
    (text(0, 4) === 'RIFF' && text(8, 12) === 'WEBP') ||
    (text(4, 8) === 'ftyp' && /^avi[fs]/.test(text(8, 12)))
  )
}

/** How messages name the file: its quoted base name as the browser sent it, or "The file". */
function fileLabel(declaredName: string | undefined): string {
  // Some browsers send a whole path; control and bidi-override characters could disguise the name.
  const name = (declaredName ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, '')
    .trim()
  if (!name) return 'The file'
  const chars = Array.from(name)
  return `"${chars.length > 80 ? `${chars.slice(0, 79).join('')}…` : name}"`
}

function megapixels(pixels: number): string {
  return String(Math.round(pixels / 100_000) / 10)
}
