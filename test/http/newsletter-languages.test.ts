import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts'
import { addUser } from '../../src/services/accounts.ts'
import { openSite } from '../../src/services/site.ts'
import { putSiteSettings } from '../../src/store/settings.ts'
import { renderAlreadySubscribedEmail, renderConfirmationEmail } from '../../src/views/newsletter-email.tsx'
import { AdminClient } from '../helpers/admin-client.ts'
import { freePort, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'
import { startMailServer, type TestMailServer } from '../helpers/smtp.ts'

// The newsletter of a site whose interface is in Korean, on a real `dramalog serve` and a real SMTP
// server: its pages, its footer box, its refusals and the emails it sends are all in Korean.
const PASSWORD = 'correct horse battery'
const SITE = '비 오는 날의 드라마'
const data = tempDataDir('dramalog-newsletter-ko-')
let smtp: TestMailServer
let server: RunningServer
let port: number

beforeAll(async () => {
  smtp = await startMailServer()
  port = await freePort()
  const site = await openSite({ dataDir: data.dir, databaseUrl: null })
  await addUser(site, { username: 'mira', displayName: 'Mira Chen', role: 'owner', password: PASSWORD })
  await site.db.transaction().execute((trx) => putSiteSettings(trx, { ...DEFAULT_SETTINGS, name: SITE, language: 'ko' }))
  await site.close()
  server = await startServer(data.dir, {
    SMTP_URL: smtp.url, NEWSLETTER_FROM: 'Rain Diaries <reviews@example.com>', DRAMALOG_BASE_URL: `http://127.0.0.1:${port}/`, DRAMALOG_NEWSLETTER_INTERVAL: '1',
  }, port)
}, 180_000)

afterAll(async () => {
  await server?.stop()
  await smtp?.stop()
  data.remove()
})

const form = (fields: Record<string, string>) =>
  fetch(`${server.url}/newsletter`, { method: 'POST', body: new URLSearchParams(fields), headers: { origin: `http://127.0.0.1:${port}` }, redirect: 'manual' })

describe('the newsletter of a Korean site', () => {
  it('shows its sign-up page and the footer box in Korean', async () => {
    const page = await (await fetch(`${server.url}/newsletter`)).text()
    expect(page).toContain('<html lang="ko">')
    expect(page).toContain('<h1>새 리뷰를 이메일로</h1>')
    expect(page).toContain('먼저 확인 링크를 보내 드립니다.')
    expect(page).toContain('>구독하기</button>')
    expect(page).toContain('이메일 주소</label>')
    const home = await (await fetch(`${server.url}/`)).text()
    expect(home).toContain('<html lang="ko">')
    expect(home).toMatch(/<section class="newsletter-signup"[^>]*>\s*<h2 id="newsletter-signup-h">새 리뷰를 이메일로<\/h2>/)
    expect(home).toContain('새 리뷰가 올라올 때마다 이메일로 받아 보세요.')
    for (const english of ['New reviews by email', 'Get each new review by email.', 'Email address', '>Subscribe<', 'Leave this empty']) {
      expect(home).not.toContain(english)
      expect(page).not.toContain(english)
    }
  })

  it('refuses an invalid address in Korean', async () => {
    const res = await form({ email: 'not-an-address', url: '' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('이메일 주소 형식이 아닌 것 같습니다(name@example.com).')
    expect(html).not.toContain('This does not look like an email address')
  })

  it('sends the confirmation email in Korean, and its pages answer in Korean', async () => {
    const res = await form({ email: 'ana@example.org', url: '' })
    expect(res.status).toBe(303)
    const check = await (await fetch(`${server.url}/newsletter/check`)).text()
    expect(check).toContain('<h1>받은 편지함을 확인하세요</h1>')
    expect(check).toContain('링크는 48시간 동안 유효합니다.')

    const [mail] = await smtp.waitFor('ana@example.org')
    expect(mail!.parsed.subject).toBe(`${SITE} 구독을 확인해 주세요`)
    expect(mail!.parsed.html).toContain('<html lang="ko">')
    expect(mail!.parsed.html).toContain('네, 새 리뷰를 보내 주세요')
    expect(mail!.parsed.text).toContain('클릭 한 번으로 확인')
    expect(mail!.parsed.text).toContain('이 링크는 48시간 동안 한 번만 쓸 수 있습니다.')
    expect(mail!.parsed.text).not.toMatch(/confirm your subscription|One click/i)

    const link = /http:\/\/127\.0\.0\.1:\d+\/newsletter\/confirm\?token=[\w-]+/.exec(mail!.parsed.text ?? '')![0]
    const confirmed = await (await fetch(link)).text()
    expect(confirmed).toContain('<h1>구독이 완료되었습니다</h1>')
    expect(confirmed).toContain('앞으로 새 리뷰를 ana@example.org 주소로 보내 드립니다.')
  })

  it('sends a published review in Korean, with a Korean unsubscribe page', async () => {
    const editor = new AdminClient(server.url)
    expect((await editor.login('mira', PASSWORD)).status).toBe(303)
    const csrf = await editor.csrfFrom('/admin/reviews/new')
    const saved = await editor.post('/admin/reviews', {
      _csrf: csrf, _action: 'save', title: 'Moon Ferry', headline: '잔잔한 항해', year: '2025', origin: 'Japan', season: '2',
      meter: '1', intro: '조용한 드라마.', status: 'published', 'sections.0.aspect': 'Story', 'sections.0.verdict': '느리지만 확실하다', 'sections.0.body': '천천히.',
    }, { multipart: true })
    expect(saved.status).toBe(303)

    const [review] = (await smtp.waitFor('ana@example.org', 2)).filter((m) => m.parsed.subject === 'Moon Ferry – 잔잔한 항해')
    expect(review).toBeDefined()
    const html = review!.parsed.html as string
    expect(html).toContain('<html lang="ko">')
    expect(html).toContain('리뷰 전문 읽기')
    expect(html).toContain('새 리뷰 · Japan · 2025 · 시즌 2')
    expect(html).toContain(`${SITE} 뉴스레터를 구독하셔서 이 메일을 보내 드립니다.`)
    const text = review!.parsed.text ?? ''
    expect(text).toContain(`${SITE} · 새 리뷰`)
    expect(text).toContain('Facepalm Meter: 1/5 facepalms (낮을수록 좋음)')
    expect(text).toContain(`리뷰 전문 읽기: http://127.0.0.1:${port}/reviews/moon-ferry`)
    expect(text).toMatch(/구독 해지\(클릭 한 번\): http:\/\/\S+\/newsletter\/unsubscribe\?token=/)
    expect(text).not.toMatch(/Read the full review|New review|Unsubscribe/)

    const unsubscribe = /<([^>]+)>/.exec(review!.header('list-unsubscribe')!)![1]!
    const asked = await (await fetch(unsubscribe)).text()
    expect(asked).toContain('<html lang="ko">')
    expect(asked).toContain('ana@example.org 주소로 새 리뷰를 그만 보낼까요?')
    expect(asked).toContain('>구독 해지하기</button>')
    const done = await (await fetch(unsubscribe, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).text()
    expect(done).toContain('<h1>구독이 해지되었습니다</h1>')
  })

  it('shows the admin newsletter page in Korean', async () => {
    const editor = new AdminClient(server.url)
    expect((await editor.login('mira', PASSWORD)).status).toBe(303)
    const html = await (await editor.request('/admin/newsletter')).text()
    expect(html).toContain('<html lang="ko">')
    expect(html).toContain('구독자 (1)')
    expect(html).toContain('확인됨 0 · 확인 대기 0 · 해지 1')
    expect(html).toContain('aria-label="목록에서 ana@example.org 삭제"')
    expect(html).toMatch(/대기 \d+ · 보냄 1 · 포기 0/)
    expect(html).not.toMatch(/Subscribers|waiting for confirmation|Send a test email/)
  })
})

describe('the notes about a subscription, by site language', () => {
  const links = { site: 'https://example.com/', confirm: 'https://example.com/newsletter/confirm?token=x', unsubscribe: 'https://example.com/newsletter/unsubscribe?token=y' }

  it('writes the "already subscribed" note in the site language', () => {
    const ko = renderAlreadySubscribedEmail({ ...DEFAULT_SETTINGS, name: SITE, language: 'ko' }, links)
    expect(ko.subject).toBe(`이미 ${SITE} 뉴스레터를 구독 중입니다`)
    expect(ko.html).toContain('<html lang="ko">')
    expect(ko.text).toContain(`구독 해지: ${links.unsubscribe}`)
    const ja = renderAlreadySubscribedEmail({ ...DEFAULT_SETTINGS, name: 'Rain', language: 'ja' }, links)
    expect(ja.subject).toBe('Rainにはすでにご登録済みです')
    expect(ja.html).toContain('<html lang="ja">')
    const en = renderAlreadySubscribedEmail({ ...DEFAULT_SETTINGS, name: 'Rain', language: 'en' }, links)
    expect(en.subject).toBe('You are subscribed to Rain')
    expect(en.html).toContain('<html lang="en">')
  })

  it('counts the hours of the confirmation link with the language’s plural forms', () => {
    expect(renderConfirmationEmail({ ...DEFAULT_SETTINGS, language: 'en' }, links, 1).text).toContain('The link works once, for 1 hour.')
    expect(renderConfirmationEmail({ ...DEFAULT_SETTINGS, language: 'en' }, links, 48).text).toContain('The link works once, for 48 hours.')
    expect(renderConfirmationEmail({ ...DEFAULT_SETTINGS, language: 'ja' }, links, 48).text).toContain('このリンクは48時間以内に一度だけ使えます。')
  })
})
