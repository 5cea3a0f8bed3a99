/** Widths every stored poster is resized to; the largest is the poster's own `src`. */
export const POSTER_WIDTHS = [300, 600, 900] as const
export const POSTER_FORMATS = ['avif', 'webp', 'jpg'] as const
export type PosterFormat = (typeof POSTER_FORMATS)[number]

/** Site path of a poster variant: `/media/posters/paper-lanterns.w300.webp`. */
export function posterVariantPath(key: string, width: number, format: PosterFormat): string {
  return `/media/posters/${key}.w${width}.${format}`
}

/**
 * The variant key of a poster stored by Dramalog, or null for any other address. Keys are slugs,
 * possibly with an upload's content hash appended (`paper-lanterns-3fa85f64`); marks count as
 * letters because slugs keep them (Thai and Devanagari vowel signs).
 */
export function posterKey(src: string): string | null {
  return /^\/media\/posters\/([\p{L}\p{M}\p{N}-]+)\.w\d+\.jpg$/u.exec(src)?.[1] ?? null
}
