import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DramalogError } from '../domain/errors.ts'
import { posterKey } from '../domain/media-paths.ts'
import { MAX_INPUT_PIXELS, MAX_UPLOAD_BYTES, storeUploadedPoster, UploadError } from './upload.ts'

let mediaDir: string
beforeEach(async () => {
  mediaDir = await mkdtemp(join(tmpdir(), 'dramalog-upload-'))
})
afterEach(async () => {
  await rm(mediaDir, { recursive: true, force: true })
})

type Format = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif'

/** A blotchy image with detail everywhere (coarse noise, enlarged) in the given format. */
async function photo(width: number, height: number, format: Format = 'jpeg'): Promise<Buffer> {
  const noise = { type: 'gaussian' as const, mean: 128, sigma: 60 }
  const small = sharp({ create: { width: Math.ceil(width / 16), height: Math.ceil(height / 16), channels: 3, background: '#000000', noise } })
  const enlarged = sharp(await small.png().toBuffer()).resize(width, height, { fit: 'fill' })
  return (format === 'avif' ? enlarged.avif({ effort: 0 }) : enlarged.toFormat(format)).toBuffer()
}

/** A solid-colour image: tiny on disk whatever its size. */
function solid(width: number, height: number, format: Format, background = '#c03060'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background } }).toFormat(format).toBuffer()
}

/** Every file under mediaDir, relative to it. */
async function storedFiles(): Promise<string[]> {
  const entries = await readdir(mediaDir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(mediaDir.length + 1)).sort()
}

const variantFile = (src: string, width: number, ext: string) =>
  join(mediaDir, src.replace(/^\/media\//, '').replace(/\.w900\.jpg$/, `.w${width}.${ext}`))

describe('storeUploadedPoster: accepted images', () => {
  it.each<[Format, number, number]>([
    ['jpeg', 1200, 1000],
    ['png', 800, 1400],
    ['webp', 640, 960],
    ['avif', 700, 700],
    ['gif', 400, 500],
  ])('stores a %s (%i × %i) as AVIF, WebP and JPEG at 300, 600 and 900 wide, cropped to 2:3', async (format, w, h) => {
    const bytes = await photo(w, h, format)
    const { src, image } = await storeUploadedPoster(mediaDir, 'paper-lanterns-season-1', bytes, `poster.${format}`)

    expect(src).toMatch(/^\/media\/posters\/paper-lanterns-season-1-[0-9a-f]{8}\.w900\.jpg$/)
    expect(posterKey(src)).toMatch(/^paper-lanterns-season-1-[0-9a-f]{8}$/)
    expect(image).toEqual({ width: 900, height: 1350, color: expect.stringMatching(/^#[0-9a-f]{6}$/) })
    const key = posterKey(src)!
    expect(await storedFiles()).toEqual(
      ['avif', 'jpg', 'webp'].flatMap((ext) => [300, 600, 900].map((width) => join('posters', `${key}.w${width}.${ext}`))).sort(),
    )
    for (const width of [300, 600, 900]) {
      for (const [ext, expected] of [['avif', 'heif'], ['webp', 'webp'], ['jpg', 'jpeg']] as const) {
        const meta = await sharp(variantFile(src, width, ext)).metadata()
        expect({ width: meta.width, height: meta.height, format: meta.format }).toEqual({ width, height: width * 1.5, format: expected })
      }
    }
  })

  it('reports the dominant colour of the poster as a placeholder', async () => {
    const { image } = await storeUploadedPoster(mediaDir, 'red', await solid(400, 600, 'png', '#d01010'))
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(image.color!.slice(i, i + 2), 16)) as [number, number, number]
    expect(r).toBeGreaterThan(180)
    expect(g + b).toBeLessThan(80)
  })

  it('strips EXIF, GPS, XMP and ICC metadata from every variant', async () => {
    const bytes = await sharp(await photo(600, 900))
      .withExif({ IFD0: { Copyright: 'Someone', Artist: 'A. Photographer' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '35/1 39/1 0/1' } })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
      .withIccProfile('p3')
      .jpeg()
      .toBuffer()
    const input = await sharp(bytes).metadata()
    expect(input.exif).toBeDefined()
    expect(input.icc).toBeDefined()

    const { src } = await storeUploadedPoster(mediaDir, 'exif', bytes, 'camera.jpg')
    for (const width of [300, 600, 900]) {
      for (const ext of ['avif', 'webp', 'jpg']) {
        const file = variantFile(src, width, ext)
        const meta = await sharp(file).metadata()
        expect(meta.exif, file).toBeUndefined()
        expect(meta.xmp, file).toBeUndefined()
        expect(meta.icc, file).toBeUndefined()
        expect((await readFile(file)).includes('Someone'), file).toBe(false)
      }
    }
  })

  it('turns the image upright by its EXIF orientation', async () => {
    // Stored sideways: red on the left, blue on the right, with orientation 6 (display turned 90° clockwise),
    // so upright the red half is on top.
    const red = await sharp({ create: { width: 450, height: 400, channels: 3, background: '#ff0000' } }).png().toBuffer()
    const bytes = await sharp({ create: { width: 900, height: 400, channels: 3, background: '#0000ff' } })
      .composite([{ input: red, left: 0, top: 0 }])
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer()
    expect((await sharp(bytes).metadata()).orientation).toBe(6)

    const { src } = await storeUploadedPoster(mediaDir, 'sideways', bytes, 'phone.jpg')
    const { data, info } = await sharp(variantFile(src, 300, 'jpg')).raw().toBuffer({ resolveWithObject: true })
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)]
    const isRed = ([r, g, b]: number[]) => r! > 200 && g! < 60 && b! < 60
    const isBlue = ([r, g, b]: number[]) => b! > 200 && r! < 60 && g! < 60
    expect(isRed(pixel(75, 40))).toBe(true)
    expect(isBlue(pixel(75, 410))).toBe(true)
    expect(isBlue(pixel(225, 410))).toBe(true)
  })

  it('judges the minimum size on the upright image', async () => {
    const bytes = await sharp(await photo(300, 200)).withMetadata({ orientation: 8 }).jpeg().toBuffer()
    await expect(storeUploadedPoster(mediaDir, 'upright', bytes)).resolves.toMatchObject({ image: { width: 900 } })
  })

  it('gives every upload new file names and keeps the old files', async () => {
    const first = await storeUploadedPoster(mediaDir, 'paper-lanterns', await photo(600, 900))
    const second = await storeUploadedPoster(mediaDir, 'paper-lanterns', await photo(600, 900))
    expect(second.src).not.toBe(first.src)
    expect(await storedFiles()).toHaveLength(18)
    expect((await readFile(variantFile(first.src, 600, 'webp'))).length).toBeGreaterThan(0)
  })

  it('names the files by a Unicode slug that the Poster component still recognises', async () => {
    const slug = 'เกลือกับน้ำผึ้ง'.normalize('NFKC')
    const { src } = await storeUploadedPoster(mediaDir, slug, await photo(400, 600))
    expect(posterKey(src)).toMatch(new RegExp(`^${slug}-[0-9a-f]{8}$`, 'u'))
    expect(await storedFiles()).toHaveLength(9)
  })
})

describe('storeUploadedPoster: refused files', () => {
  let bomb: Buffer
  beforeAll(async () => {
    // 50 megapixels of one colour compresses to well under a megabyte.
    bomb = await sharp({ create: { width: 8000, height: 6250, channels: 3, background: '#204060' } })
      .png({ compressionLevel: 9 })
      .toBuffer()
  })

  async function refusal(bytes: Uint8Array, name?: string): Promise<UploadError> {
    const err = await storeUploadedPoster(mediaDir, 'paper-lanterns', bytes, name).then(
      () => expect.unreachable('the upload was accepted'),
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(UploadError)
    expect((err as UploadError).code).toBe('invalid_input')
    // Nothing at all was written for a refused upload.
    expect(await storedFiles()).toEqual([])
    return err as UploadError
  }

  it('refuses a text file renamed .jpg, by its content', async () => {
    const err = await refusal(Buffer.from('Things to watch:\n- Paper Lanterns\n'), 'notes.jpg')
    expect(err.message).toBe('"notes.jpg" is not an image (JPEG, PNG, WebP, AVIF or GIF)')
  })

  it('refuses an empty file', async () => {
    expect((await refusal(new Uint8Array(0), 'poster.jpg')).message).toBe('"poster.jpg" is empty')
  })

  it('refuses a file over the size limit, naming the limit in MB', async () => {
    const bytes = Buffer.alloc(11 * 1024 * 1024)
    bytes.set(await photo(600, 900))
    expect(bytes.length).toBeGreaterThan(MAX_UPLOAD_BYTES)
    expect((await refusal(bytes, 'huge.jpg')).message).toBe('"huge.jpg" is 11.0 MB; a poster may be at most 10 MB')
  })

  it('refuses a 50-megapixel image, giving its megapixels', async () => {
    expect(8000 * 6250).toBeGreaterThan(MAX_INPUT_PIXELS)
    expect(bomb.length).toBeLessThan(MAX_UPLOAD_BYTES)
    expect((await refusal(bomb, 'bomb.png')).message).toBe(
      '"bomb.png" is 8000 × 6250 pixels (50 megapixels); a poster may be at most 40 megapixels',
    )
  })

  it('refuses a too-large image from its header alone, without decoding it', async () => {
    // Only the header and the start of the pixel data: decoding would fail as damaged, so the
    // megapixel message shows that no pixel was decoded.
    const headerOnly = bomb.subarray(0, 200)
    expect((await refusal(headerOnly, 'bomb.png')).message).toContain('(50 megapixels)')
  })

  it('refuses a truncated JPEG as damaged, with the decoder error as cause', async () => {
    const whole = await photo(600, 900)
    const err = await refusal(whole.subarray(0, Math.floor(whole.length / 2)), 'cut.jpg')
    expect(err.message).toBe('"cut.jpg" is damaged or incomplete and cannot be read as an image')
    expect(err.cause).toBeInstanceOf(Error)
  })

  it('refuses a JPEG cut inside its header as damaged, not as a wrong type', async () => {
    const whole = await photo(600, 900)
    expect((await refusal(whole.subarray(0, 20), 'cut.jpg')).message).toContain('is damaged or incomplete')
  })

  it('refuses an image smaller than 200 × 300', async () => {
    expect((await refusal(await photo(150, 250, 'png'), 'thumb.png')).message).toBe(
      '"thumb.png" is only 150 × 250 pixels; a poster must be at least 200 × 300',
    )
  })

  it.each([
    ['TIFF', () => solid(400, 600, 'png').then((b) => sharp(b).tiff().toBuffer()), 'scan.jpg'],
    ['SVG', async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="600"><rect width="400" height="600"/></svg>'), 'art.png'],
  ])('refuses a %s image by name', async (kind, make, name) => {
    expect((await refusal(await make(), name)).message).toBe(`"${name}" is in ${kind} format; a poster must be JPEG, PNG, WebP, AVIF or GIF`)
  })

  it('names the file by its base name only and says "The file" when it has none', async () => {
    expect((await refusal(Buffer.from('hello'), 'C:\\Users\\me\\notes.jpg')).message).toMatch(/^"notes\.jpg" is not an image/)
    expect((await refusal(Buffer.from('hello'))).message).toBe('The file is not an image (JPEG, PNG, WebP, AVIF or GIF)')
  })

  it('rejects a key that is not a slug as a bug, before writing anything', async () => {
    const err = await storeUploadedPoster(mediaDir, '../escape', await photo(400, 600)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DramalogError)
    expect(err).not.toBeInstanceOf(UploadError)
    expect((err as DramalogError).code).toBe('internal')
    expect(await storedFiles()).toEqual([])
  })
})
