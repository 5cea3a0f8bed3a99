import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { getSiteSettings, putSiteSettings } from '../../src/store/settings.ts'
import { openSite } from '../../src/services/site.ts'
import { describeViolations, launchBrowser, seriousViolations } from '../helpers/browser.ts'
import { adminSite } from '../helpers/admin-site.ts'
import { runCli } from '../helpers/server.ts'
import { serveFolder } from '../helpers/static-host.ts'

// The demo site switched to Korean, with a review written in Korean and one in Japanese, in
// Chromium: what the fonts draw, what axe-core finds, and screenshots to look at (/tmp/i18n-*.png).
const KOREAN_SIGN_IN = { username: '사용자 이름', password: '비밀번호', submit: '로그인' }
const site = adminSite({
  prepare: async (dir) => {
    const file = join(dir, 'cjk.json')
    writeFileSync(file, JSON.stringify(REVIEWS))
    expect((await runCli(['import', file], dir)).code).toBe(0)
    await setLanguage('ko')
  },
})

const REVIEWS = [
  {
    slug: 'paper-lanterns-ko', title: 'Paper Lanterns', nativeTitle: '종이등', language: 'ko', year: 2024, origin: 'South Korea', reviewedOn: '2024-03-17',
    hook: '불 꺼진 골목에서 누가 등을 켰을까?', headline: '천천히 타오르는 조용한 스릴러', meter: { value: 2, max: 5 }, tags: ['스릴러'],
    intro: '처음에는 졸릴 줄 알았는데 마지막 회까지 숨을 죽이고 봤다. 골목마다 걸린 종이등이 인물들의 비밀을 하나씩 비추고, 감독은 그 빛을 끝까지 아껴 쓴다.',
    sections: [{ aspect: 'Acting', verdict: '주연이 모든 것을 끌고 간다', body: '눈빛 하나로 장면을 바꾸는 배우. 대사가 없는 장면에서 오히려 더 많은 것을 말한다.' }],
  },
  {
    slug: 'quiet-ward', title: 'The Quiet Ward', nativeTitle: '静かな病棟', language: 'ja', year: 2023, origin: 'Japan', reviewedOn: '2023-11-02',
    hook: '夜の病棟で、誰が灯りを消したのか。', headline: '静けさが怖いミステリー', meter: { value: 1, max: 5 },
    intro: '看護師たちの会話劇が、いつの間にか謎解きになっていく。一話ごとに少しずつ明かされる過去が、最終話でひとつにつながる構成は見事だった。',
    sections: [{ aspect: 'Vibes', verdict: '雨の音が似合う', body: '豆腐屋さんの看板が映るだけで泣けた。「ありがとう」の一言が、こんなに重く響くドラマは久しぶりだ。' }],
  },
]

async function setLanguage(language: 'en' | 'ko' | 'ja') {
  const opened = await openSite({ dataDir: site.dir, databaseUrl: null })
  try {
    const settings = await getSiteSettings(opened.db)
    await opened.db.transaction().execute((trx) => putSiteSettings(trx, { ...settings, language }))
  } finally {
    await opened.close()
  }
}

/** The fonts Chromium drew a node's text with, and how many glyphs each drew (DevTools' own answer). */
async function fontsOf(page: Page, selector: string): Promise<{ familyName: string; glyphCount: number }[]> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('DOM.enable')
  await cdp.send('CSS.enable')
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 })
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector })
  expect(nodeId, selector).toBeGreaterThan(0)
  // The text node holds the glyphs; the element's own entry sums its direct text children.
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId })
  await cdp.detach()
  return fonts
}

describe('a Korean site in Chromium', () => {
  it('sets Korean and Japanese text in CJK fonts of their own language, with no missing glyphs', async () => {
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } })
    try {
      const page = await browser.context.newPage()
      await page.goto(`${site.url}/reviews/quiet-ward`)
      expect(await page.locator('html').getAttribute('lang')).toBe('ko')
      // The Korean interface: every glyph of a label drawn by a Korean CJK font.
      const label = await fontsOf(page, '.facts dt')
      expect(label.length).toBeGreaterThan(0)
      expect(label.every((f) => /CJK KR/.test(f.familyName)), JSON.stringify(label)).toBe(true)
      // The Japanese review text: its Han characters in the Japanese cut of the font (its lang rule), not the Korean one.
      const hook = await fontsOf(page, '.hook')
      const hookText = (await page.locator('.hook').textContent())!
      expect(hook.length).toBeGreaterThan(0)
      expect(hook.every((f) => /^Noto (Sans|Serif) CJK JP$/.test(f.familyName)), JSON.stringify(hook)).toBe(true)
      expect(hook.reduce((n, f) => n + f.glyphCount, 0)).toBe([...hookText].length)
      const style = await page.locator('.review-body .prose[lang="ja"]').first().evaluate((el) => {
        const s = getComputedStyle(el)
        return { wordBreak: s.wordBreak, lineBreak: s.lineBreak, overflowWrap: s.overflowWrap }
      })
      expect(style).toEqual({ wordBreak: 'normal', lineBreak: 'strict', overflowWrap: 'anywhere' })
      await page.goto(`${site.url}/reviews/paper-lanterns-ko`)
      // Spaces and full stops may come from a Latin font; every Hangul syllable from a Korean CJK font.
      const intro = await fontsOf(page, '.review-body .prose.intro p')
      const introText = (await page.locator('.review-body .prose.intro p').textContent())!
      const hangul = [...introText].filter((ch) => /\p{Script=Hangul}/u.test(ch)).length
      expect(hangul).toBeGreaterThan(40)
      const korean = intro.filter((f) => /CJK KR$/.test(f.familyName)).reduce((n, f) => n + f.glyphCount, 0)
      expect(korean, JSON.stringify(intro)).toBe(hangul)
      expect(await page.locator('.review-body .prose.intro').evaluate((el) => getComputedStyle(el).wordBreak)).toBe('keep-all')
    } finally {
      await browser.close()
    }
  })

  it('finds no serious or critical accessibility problem on Korean pages', async () => {
    const browser = await launchBrowser({ viewport: { width: 390, height: 844 }, bypassCSP: true })
    try {
      const page = await browser.context.newPage()
      for (const path of ['/', '/reviews/paper-lanterns-ko', '/reviews/quiet-ward', '/diary', '/country', '/search?q=%EC%A2%85%EC%9D%B4', '/lists', '/no-such-page']) {
        await page.goto(site.url + path)
        expect(describeViolations(await seriousViolations(page)), path).toEqual([])
      }
      await site.signIn(page, KOREAN_SIGN_IN)
      for (const path of ['/admin', '/admin/reviews/new', '/admin/settings', '/admin/diary', '/admin/comments', '/admin/lists']) {
        await page.goto(site.url + path)
        expect(describeViolations(await seriousViolations(page)), path).toEqual([])
      }
    } finally {
      await browser.close()
    }
  })

  it('builds a static copy in Korean that matches the server, its search script speaking Korean too', async () => {
    const out = join(site.dir, 'static')
    expect((await runCli(['build', '--out', out], site.dir)).code).toBe(0)
    const live = await (await fetch(`${site.url}/reviews/quiet-ward`)).text()
    const built = readFileSync(join(out, 'reviews/quiet-ward/index.html'), 'utf8')
    for (const html of [live, built]) {
      expect(html).toContain('<html lang="ko">')
      expect(html).toContain('<p class="hook" lang="ja">')
      expect(html).toContain('<dt>리뷰 날짜</dt>')
    }
    const host = await serveFolder(out)
    const browser = await launchBrowser()
    try {
      const page = await browser.context.newPage()
      await page.goto(`${host.url}/search?q=${encodeURIComponent('静けさ')}`)
      await page.locator('#static-search-results li').first().waitFor()
      expect(await page.locator('#static-search-results li h2').first().innerText()).toBe('The Quiet Ward')
      expect(await page.locator('#static-search-status').innerText()).toBe('“静けさ”와 일치하는 리뷰 1편.')
      await page.goto(`${host.url}/search?q=zzqx`)
      await page.locator('#static-search-status', { hasText: '“zzqx”와 일치하는 리뷰가 없습니다.' }).waitFor()
    } finally {
      await browser.close()
      await host.close()
    }
  })

  it('takes screenshots of the Korean and Japanese site on a phone and a desktop', async () => {
    for (const width of [390, 1280]) {
      const browser = await launchBrowser({ viewport: { width, height: 900 } })
      try {
        const page = await browser.context.newPage()
        await page.goto(`${site.url}/`)
        await page.screenshot({ path: `/tmp/i18n-ko-home-${width}.png`, fullPage: width === 390 ? false : true })
        await page.goto(`${site.url}/reviews/paper-lanterns-ko`)
        await page.screenshot({ path: `/tmp/i18n-ko-review-${width}.png`, fullPage: true })
        await page.goto(`${site.url}/reviews/quiet-ward`)
        await page.screenshot({ path: `/tmp/i18n-ko-review-ja-${width}.png`, fullPage: true })
        await site.signIn(page, KOREAN_SIGN_IN)
        await page.goto(`${site.url}/admin/reviews/new`)
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('제목 없는 리뷰')
        await page.screenshot({ path: `/tmp/i18n-ko-editor-${width}.png`, fullPage: width === 390 ? false : true })
      } finally {
        await browser.close()
      }
    }
    await site.restart(() => setLanguage('ja'))
    for (const width of [390, 1280]) {
      const browser = await launchBrowser({ viewport: { width, height: 900 } })
      try {
        const page = await browser.context.newPage()
        await page.goto(`${site.url}/`)
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('最新のレビュー')
        await page.screenshot({ path: `/tmp/i18n-ja-home-${width}.png`, fullPage: width === 390 ? false : true })
        await page.goto(`${site.url}/reviews/quiet-ward`)
        await page.screenshot({ path: `/tmp/i18n-ja-review-${width}.png`, fullPage: true })
      } finally {
        await browser.close()
      }
    }
  }, 300_000)
})
