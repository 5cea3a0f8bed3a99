import { writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts'
import { FORM_MAX_BYTES } from '../../src/web/request-limits.ts'
import { addUser } from '../../src/services/accounts.ts'
import { importFiles } from '../../src/services/import-files.ts'
import { openSite } from '../../src/services/site.ts'
import { putSiteSettings } from '../../src/store/settings.ts'
import { settingsForm } from '../../src/views/admin/settings-page.tsx'
import { AdminClient } from '../helpers/admin-client.ts'
import { startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'

// A site whose interface is in Korean, served by a real `dramalog serve` over HTTP, with reviews
// written in Korean, Japanese and English.
const data = tempDataDir()
let server: RunningServer
const PASSWORD = 'correct horse battery'

const REVIEWS = [
  {
    slug: 'paper-lanterns', title: 'Paper Lanterns', nativeTitle: '종이등', language: 'ko', year: 2024, origin: 'South Korea', reviewedOn: '2024-03-17',
    hook: '불 꺼진 골목에서 누가 등을 켰을까?', headline: '천천히 타오르는 조용한 스릴러', meter: { value: 2, max: 5 },
    intro: '처음에는 졸릴 줄 알았는데 마지막 회까지 숨을 죽이고 봤다.',
    sections: [{ aspect: 'Acting', verdict: '주연이 모든 것을 끌고 간다', body: '눈빛 하나로 장면을 바꾸는 배우.' }],
  },
  {
    slug: 'quiet-ward', title: 'The Quiet Ward', nativeTitle: '静かな病棟', language: 'ja', year: 2023, origin: 'Japan', reviewedOn: '2023-11-02',
    hook: '夜の病棟で、誰が灯りを消したのか。', headline: '静けさが怖いミステリー',
    intro: '看護師たちの会話劇が、いつの間にか謎解きになっていく。',
    sections: [{ aspect: 'Vibes', verdict: '雨の音が似合う', body: '豆腐屋さんの看板が映るだけで泣けた。' }],
  },
  { slug: 'moon-ferry', title: 'Moon Ferry', year: 2025, origin: 'Japan', reviewedOn: '2025-10-02', intro: 'A calm little show in English.', sections: [] },
]

/**
 * A form post over a connection of its own: the server closes it after refusing a body it did not
 * read. `announced` is the length the request says its body has, when more than it sends.
 */
const postAlone = (path: string, body: string, announced = Buffer.byteLength(body)) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(server.url + path, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': announced, origin: server.url } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
    })
    // An error after the answer (the server closing while the body is still being sent) changes nothing.
    req.on('error', reject)
    req.end(body)
  })

const get = async (path: string) => {
  const res = await fetch(server.url + path)
  return { status: res.status, html: await res.text() }
}

beforeAll(async () => {
  const site = await openSite({ dataDir: data.dir, databaseUrl: null })
  await addUser(site, { username: 'mira', displayName: 'Mira Chen', role: 'owner', password: PASSWORD })
  const file = join(data.dir, 'reviews.json')
  writeFileSync(file, JSON.stringify(REVIEWS))
  await importFiles(site, [file])
  await site.db.transaction().execute((trx) => putSiteSettings(trx, { ...DEFAULT_SETTINGS, language: 'ko' }))
  await site.close()
  server = await startServer(data.dir)
})

afterAll(async () => {
  await server?.stop()
  data.remove()
})

describe('a site in Korean', () => {
  it('shows its interface in Korean, with dates and counts written the Korean way', async () => {
    const { status, html } = await get('/')
    expect(status).toBe(200)
    expect(html).toContain('<html lang="ko">')
    expect(html).toContain('<h1>최신 리뷰</h1>')
    expect(html).toContain('리뷰 3편')
    expect(html).toContain('>국가</a>')
    expect(html).toContain('본문으로 건너뛰기')
    // Dates by Intl.DateTimeFormat for Korean: year, month and day with their counters.
    expect(html).toContain('<time datetime="2024-03-17">2024년 3월 17일</time>')
    expect(html).not.toContain('Latest reviews')
    expect(html).not.toContain('17 March 2024')
  })

  it('marks only the text in another language: a Korean review has no lang of its own, a Japanese one does', async () => {
    const ko = (await get('/reviews/paper-lanterns')).html
    expect(ko).toContain('<dt>제작 국가</dt>')
    expect(ko).toContain('<p class="hook">불 꺼진 골목에서 누가 등을 켰을까?</p>')
    expect(ko).not.toMatch(/lang="ja"|lang="ko"(?!>)/)
    const ja = (await get('/reviews/quiet-ward')).html
    expect(ja).toContain('<html lang="ko">')
    expect(ja).toContain('<p class="hook" lang="ja">夜の病棟で、誰が灯りを消したのか。</p>')
    expect(ja).toMatch(/<h1 lang="ja"><span class="title">The Quiet Ward<\/span>/)
    expect(ja).toContain('<div class="prose intro" lang="ja">')
    expect(ja).toContain('<span class="verdict" lang="ja">雨の音が似合う</span>')
    expect(ja).toMatch(/<div class="prose" lang="ja"><p>豆腐屋さんの看板/)
    // The interface around it stays Korean.
    expect(ja).toContain('<dt>리뷰 날짜</dt>')
    expect(ja).toContain('2023년 11월 2일')
  })

  it('answers a missing page in Korean', async () => {
    const { status, html } = await get('/reviews/no-such-review')
    expect(status).toBe(404)
    expect(html).toContain('여기에는 아무것도 없습니다')
    expect(html).toContain('<code>/reviews/no-such-review</code>에는 페이지가 없습니다.')
  })

  it('finds Korean and Japanese words inside review text', async () => {
    const ko = (await get(`/search?q=${encodeURIComponent('숨을')}`)).html
    expect(ko).toContain('href="/reviews/paper-lanterns"')
    expect(ko).not.toContain('href="/reviews/quiet-ward"')
    expect(ko).toContain('와 일치하는 리뷰 1편')
    const ja = (await get(`/search?q=${encodeURIComponent('謎解き')}`)).html
    expect(ja).toContain('href="/reviews/quiet-ward"')
    expect(ja).not.toContain('href="/reviews/paper-lanterns"')
  })

  it('reads the meter out in Korean, keeping the owner’s own unit', async () => {
    const { html } = await get('/reviews/paper-lanterns')
    expect(html).toContain('role="img" aria-label="facepalms 2/5" title="Facepalm Meter: facepalms 2/5"')
    expect(html).not.toContain('2 of 5 facepalms')
    expect((await get('/meter/2')).html).toContain('<h1>평가: facepalms 2/5</h1>')
  })

  it('refuses oversized and cross-site posts in Korean', async () => {
    const forged = await fetch(`${server.url}/reviews/paper-lanterns/comments`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://elsewhere.example' }, body: 'body=hello',
    })
    expect(forged.status).toBe(403)
    expect(await forged.text()).toBe('다른 사이트에서 보낸 댓글이라 거부했습니다.')
    const big = await postAlone('/admin/login', 'x'.repeat(FORM_MAX_BYTES + 1))
    expect(big.status).toBe(413)
    expect(big.text).toBe('요청이 이곳에서 허용하는 1MB보다 커서 아무것도 읽거나 저장하지 않았습니다.')
    const longComment = await postAlone('/reviews/paper-lanterns/comments', `body=${'x'.repeat(70 * 1024)}`)
    expect(longComment.status).toBe(413)
    expect(longComment.text).toBe('댓글이 너무 길어서 보낼 수 없습니다.')
    const upload = await postAlone('/admin/import', 'files=', 300 * 1024 * 1024)
    expect(upload.status).toBe(413)
    expect(upload.text).toBe('올린 파일이 200MB를 넘습니다. 아무것도 읽거나 저장하지 않았습니다. 파일을 나누어 가져오거나 서버에서 “dramalog import” 명령을 쓰세요.')
  })

  it('labels its feeds with the language of the site', async () => {
    const feed = await fetch(`${server.url}/feed.json`).then((r) => r.json() as Promise<{ language: string }>)
    expect(feed.language).toBe('ko')
  })
})

describe('the admin of a site in Korean', () => {
  it('signs in, edits in Korean, saves a review with its language, and switches the site to English', async () => {
    const client = new AdminClient(server.url)
    const login = await (await client.request('/admin/login')).text()
    expect(login).toContain('<html lang="ko">')
    expect(login).toContain('<h1>로그인</h1>')
    expect((await client.login('mira', PASSWORD)).status).toBe(303)

    const editor = await (await client.request('/admin/reviews/new')).text()
    expect(editor).toContain('<label for="f-language">리뷰 언어</label>')
    const csrf = /name="_csrf" value="([^"]+)"/.exec(editor)![1]!
    const saved = await client.post('/admin/reviews', {
      _csrf: csrf, _action: 'save', title: 'Snow Lantern', headline: '雪の夜に灯る物語', language: 'ja-jp', status: 'published',
      intro: '雪国の小さな町で、灯籠をめぐる話が静かに進む。', reviewedOn: '2025-01-05',
    }, { multipart: true })
    expect(saved.status).toBe(303)
    const edit = await (await client.request(saved.headers.get('location')!)).text()
    // Stored in its canonical spelling, shown back in the form.
    expect(edit).toMatch(/id="f-language" name="language" type="text" value="ja-JP"/)
    const page = (await get('/reviews/snow-lantern')).html
    expect(page).toContain('<div class="prose intro" lang="ja-JP">')

    const bad = await client.post('/admin/reviews', { _csrf: csrf, _action: 'save', title: 'Bad Tag', language: 'no such language!', status: 'draft' }, { multipart: true })
    expect(bad.status).toBe(422)
    const badPage = await bad.text()
    expect(badPage).toContain('“no such language!”은(는) en, ko, ja-JP 같은 언어 태그가 아닙니다.')
    expect(badPage).not.toContain('is not a language tag')

    // Field errors from the checks, in Korean, in the editor, the diary form and the settings.
    const numbers = await client.post('/admin/reviews', { _csrf: csrf, _action: 'save', title: 'Bad Numbers', year: 'soon', meter: '9', status: 'draft' }, { multipart: true })
    expect(numbers.status).toBe(422)
    const numbersPage = await numbers.text()
    expect(numbersPage).toContain('<span class="field-error" id="year-error">정수로 입력해 주세요.</span>')
    expect(numbersPage).toContain('<span class="field-error" id="meter-error">Facepalm Meter의 최댓값 5을(를) 넘습니다.</span>')
    expect(numbersPage).not.toMatch(/must be a whole number|maximum of/)
    const diaryForm = await (await client.request('/admin/diary/new')).text()
    const diary = await client.post('/admin/diary', { _csrf: /name="_csrf" value="([^"]+)"/.exec(diaryForm)![1]!, title: '', status: 'watching', episodesWatched: '-3' })
    expect(diary.status).toBe(422)
    const diaryPage = await diary.text()
    expect(diaryPage).toContain(': 필수 항목입니다.')
    expect(diaryPage).toContain(': 음수일 수 없습니다.')
    expect(diaryPage).not.toMatch(/is required|cannot be negative/)

    const settings = await (await client.request('/admin/settings')).text()
    expect(settings).toMatch(/<option value="ko" lang="ko" selected="">한국어<\/option>/)
    const form = settingsForm({ ...DEFAULT_SETTINGS, language: 'ko' })
    const tooBig = await client.post('/admin/settings', { ...form, meterMax: '99', _csrf: /name="_csrf" value="([^"]+)"/.exec(settings)![1]! })
    expect(tooBig.status).toBe(422)
    const tooBigPage = await tooBig.text()
    expect(tooBigPage).toContain('10 이하여야 합니다.')
    expect(tooBigPage).not.toContain('Too big')
    const switched = await client.post('/admin/settings', { ...form, language: 'en', _csrf: /name="_csrf" value="([^"]+)"/.exec(settings)![1]! })
    expect(switched.status).toBe(303)

    // An English site now: English interface, and the Japanese review marked as Japanese.
    const home = (await get('/')).html
    expect(home).toContain('<html lang="en">')
    expect(home).toContain('<h1>Latest reviews</h1>')
    expect(home).toContain('17 March 2024')
    const ja = (await get('/reviews/quiet-ward')).html
    expect(ja).toContain('<p class="hook" lang="ja">')
    expect(ja).toContain('<dt>Reviewed</dt>')
    const ko = (await get('/reviews/paper-lanterns')).html
    expect(ko).toContain('<p class="hook" lang="ko">')
    const en = (await get('/reviews/moon-ferry')).html
    expect(en).not.toMatch(/<p class="hook"|class="prose intro" lang=/)
  })
})
