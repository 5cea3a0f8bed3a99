import { describe, expect, it } from 'vitest'
import { posterKey, posterVariantPath } from './media-paths.ts'

describe('posterKey', () => {
  it.each([
    ['/media/posters/paper-lanterns-season-1.w900.jpg', 'paper-lanterns-season-1'],
    ['/media/posters/paper-lanterns-season-1-3fa85f64.w300.jpg', 'paper-lanterns-season-1-3fa85f64'],
    ['/media/posters/종이등-0a1b2c3d.w600.jpg', '종이등-0a1b2c3d'],
    ['/media/posters/हिन्दी-ड्रामा.w900.jpg', 'हिन्दी-ड्रामा'],
    ['/media/posters/paper-lanterns.jpg', null],
    ['/media/posters/paper-lanterns.w900.webp', null],
    ['/media/other/paper-lanterns.w900.jpg', null],
    ['https://example.com/media/posters/a.w900.jpg', null],
  ])('%s → %s', (src, key) => {
    expect(posterKey(src)).toBe(key)
  })

  it('reads back the key of every variant path it is given', () => {
    expect(posterKey(posterVariantPath('เกลือกับน้ำผึ้ง'.normalize('NFKC'), 900, 'jpg'))).toBe('เกลือกับน้ำผึ้ง'.normalize('NFKC'))
  })
})
