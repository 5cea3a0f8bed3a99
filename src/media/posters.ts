import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import sharp, { type Sharp } from 'sharp'
import { POSTER_FORMATS, POSTER_WIDTHS, posterVariantPath, type PosterFormat } from '../domain/media-paths.ts'
import type { PosterImage } from '../domain/records.ts'

const RATIO = 1.5

/** Writes a file through a temporary name and a rename, so readers never see half of it. */
export async function writeFileAtomic(path: string, data: Buffer | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`
  await writeFile(tmp, data)
  await rename(tmp, path)
}

/** Copies a file through a temporary name and a rename, so the copy is never seen half written. */
export async function copyFileAtomic(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true })
  const tmp = `${to}.${process.pid}.${Date.now()}.tmp`
  await copyFile(from, tmp)
  await rename(tmp, to)
}

/** True for the unfinished half of an atomic write (`NAME.PID.TIME.tmp`): never a media file of its own. */
export const isTempFile = (name: string): boolean => name.endsWith('.tmp')

/** Largest image, in pixels (width × height), that Dramalog will decode: a guard against decompression bombs. */
export const MAX_INPUT_PIXELS = 40_000_000

/** One encoded poster variant. */
export type PosterVariant = { width: number; format: PosterFormat; data: Buffer }

/** Every variant of a poster, encoded in memory and not yet written, with the size of the largest. */
export type RenderedPoster = { image: PosterImage; variants: PosterVariant[] }

const posterHeight = (width: number) => Math.round(width * RATIO)

/**
 * Decodes an image and encodes it in every poster width and format (AVIF, WebP, JPEG): turned
 * upright by its EXIF orientation, cropped to 2:3, flattened onto white, converted to sRGB and
 * with all metadata stripped. Throws sharp's error when the image cannot be decoded.
 */
export async function renderPoster(input: Uint8Array): Promise<RenderedPoster> {
  const largest = POSTER_WIDTHS[POSTER_WIDTHS.length - 1]!
  // Decode once into an upright, cropped, 8-bit sRGB raster at the largest size; every variant
  // is made from it, so the source is never decoded twice and no metadata can reach the output.
  const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .resize({ width: largest, height: posterHeight(largest), fit: 'cover' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
  const raster = () => sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
  const color = await dominantColor(raster())
  const variants = await Promise.all(
    POSTER_WIDTHS.flatMap((width) =>
      POSTER_FORMATS.map(async (format): Promise<PosterVariant> => {
        const resized = raster().resize({ width, height: posterHeight(width) })
        const out =
          format === 'avif' ? resized.avif({ quality: 50, effort: 0 })
          : format === 'webp' ? resized.webp({ quality: 78 })
          : resized.jpeg({ quality: 82, mozjpeg: true })
        return { width, format, data: await out.toBuffer() }
      }),
    ),
  )
  return { image: { width: largest, height: posterHeight(largest), color }, variants }
}

/** Writes rendered variants as `/media/posters/KEY.wWIDTH.FORMAT` and returns the largest JPEG as `src`. */
export async function writePoster(mediaDir: string, key: string, poster: RenderedPoster): Promise<{ src: string; image: PosterImage }> {
  for (const { width, format, data } of poster.variants) {
    await writeFileAtomic(join(mediaDir, posterVariantPath(key, width, format).replace(/^\/media\//, '')), data)
  }
  return { src: posterVariantPath(key, poster.image.width, 'jpg'), image: poster.image }
}

/**
 * Stores a poster under the media folder in every width and format (AVIF, WebP, JPEG), metadata
 * stripped, and returns the size of the largest and its average colour for a placeholder.
 * Nothing is written unless the whole image decodes.
 */
export async function storePoster(mediaDir: string, key: string, input: Uint8Array): Promise<{ src: string; image: PosterImage }> {
  return writePoster(mediaDir, key, await renderPoster(input))
}

async function dominantColor(image: Sharp): Promise<string> {
  const { dominant } = await image.stats()
  return `#${[dominant.r, dominant.g, dominant.b].map((c) => c.toString(16).padStart(2, '0')).join('')}`
}

/** Size and placeholder colour of an image file, or null when it is not a readable image. */
export async function describeImage(file: string): Promise<PosterImage | null> {
  const meta = await sharp(file).metadata().catch(() => null)
  if (!meta?.width || !meta.height) return null
  return { width: meta.width, height: meta.height, color: await dominantColor(sharp(file)) }
}

/** What a generated demo poster shows. */
export type PosterArt = { title: string; subtitle: string; seed: number }

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Small deterministic generator, so the same demo gives the same posters. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return ((s >>> 0) % 10_000) / 10_000
  }
}

/** Wraps a title into lines of about `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && (line + ' ' + word).length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines
}

/** Draws an abstract poster (gradient sky, sun, layered hills, title) as a JPEG. */
export async function generatePoster(art: PosterArt): Promise<Buffer> {
  const r = random(art.seed)
  const hue = Math.floor(r() * 360)
  const hue2 = (hue + 30 + Math.floor(r() * 60)) % 360
  const w = 600
  const h = 900
  const hills = Array.from({ length: 4 }, (_, i) => {
    const y = 520 + i * 80 + r() * 40
    const points = Array.from({ length: 7 }, (_, k) => `${(k * w) / 6},${y - r() * 120}`).join(' ')
    return `<polygon points="0,${h} ${points} ${w},${h}" fill="hsl(${hue2}, ${35 + i * 8}%, ${38 - i * 8}%)" opacity="0.92"/>`
  }).join('')
  const sunX = 120 + r() * 360
  const sunY = 230 + r() * 160
  const lines = wrap(art.title.toUpperCase(), 14)
  const size = lines.some((l) => l.length > 11) ? 54 : 64
  const title = lines
    .map((l, i) => `<text x="300" y="${110 + i * (size + 6)}" font-size="${size}" text-anchor="middle" font-family="DejaVu Sans, Noto Sans, sans-serif" font-weight="700" letter-spacing="3" fill="#fff">${escapeXml(l)}</text>`)
    .join('')
  // Drawn on a 600 × 900 canvas and rasterised at the largest poster width, so no variant is upscaled.
  const scale = POSTER_WIDTHS[POSTER_WIDTHS.length - 1]! / w
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w * scale}" height="${h * scale}" viewBox="0 0 ${w} ${h}">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="hsl(${hue}, 55%, 22%)"/>
      <stop offset="1" stop-color="hsl(${hue2}, 70%, 62%)"/>
    </linearGradient>
    <radialGradient id="glow"><stop offset="0" stop-color="#fff6d8"/><stop offset="1" stop-color="#fff6d8" stop-opacity="0"/></radialGradient>
  </defs>
  <rect width="${w}" height="${h}" fill="url(#sky)"/>
  <circle cx="${sunX}" cy="${sunY}" r="170" fill="url(#glow)" opacity="0.55"/>
  <circle cx="${sunX}" cy="${sunY}" r="${60 + r() * 40}" fill="hsl(${(hue + 180) % 360}, 80%, 86%)"/>
  ${hills}
  ${title}
  <text x="300" y="850" font-size="22" text-anchor="middle" font-family="DejaVu Sans, sans-serif" fill="#fff" opacity="0.85" letter-spacing="4">${escapeXml(art.subtitle.toUpperCase())}</text>
</svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer()
}
