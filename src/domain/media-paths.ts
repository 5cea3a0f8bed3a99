/** Widths every stored poster is resized to; the largest is the poster's own `src`. */
export const POSTER_WIDTHS = [300, 600] as const
export const POSTER_FORMATS = ['avif', 'webp', 'jpg'] as const

/** Site path of a poster variant: `/media/posters/paper-lanterns.w300.webp`. */
export function posterVariantPath(key: string, width: number, format: (typeof POSTER_FORMATS)[number]): string {
  return `/media/posters/${key}.w${width}.${format}`
}

/** The variant key of a poster stored by Dramalog, or null for any other address. */
export function posterKey(src: string): string | null {
  return /^\/media\/posters\/([\p{L}\p{N}-]+)\.w\d+\.jpg$/u.exec(src)?.[1] ?? null
}
