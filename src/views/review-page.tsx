import type { FC } from 'hono/jsx'
import { raw } from 'hono/html'
import type { CommentFormState, ReviewComments } from '../domain/comments.ts'
import { isSameLanguage, type Translator, translatorFor } from '../domain/i18n.ts'
import type { ReviewRecord } from '../domain/records.ts'
import type { Section } from '../domain/review.ts'
import { slugify } from '../domain/slug.ts'
import { CommentCount, Comments } from './comments.tsx'
import { Meter, Poster } from './components.tsx'
import { rich } from './format.ts'
import { Layout, type Chrome } from './layout.tsx'
import { ReviewHead } from './social-head.tsx'

const SectionView: FC<{ tr: Translator; section: Section; html: string; index: number; lang: string | undefined }> = ({ tr, section: s, html, index, lang }) => {
  const id = slugify(s.aspect) || `section-${index + 1}`
  const body = <div class="prose" lang={lang}>{raw(html)}</div>
  return (
    <section class="aspect" id={id} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        <span class="aspect-name">{s.aspect}</span>
        {s.verdict && (
          <>
            <span class="visually-hidden"> – </span>
            <span class="verdict" lang={lang}>{s.verdict}</span>
          </>
        )}
      </h2>
      {s.score !== null && (
        <p class="score">
          <span class="visually-hidden">{tr.t('review.score')} </span>
          {s.score}
          {s.scoreMax !== null && <span class="score-max">/{s.scoreMax}</span>}
        </p>
      )}
      {s.spoiler ? (
        <details class="spoiler">
          <summary>{tr.t('review.spoiler')}</summary>
          {body}
        </details>
      ) : (
        body
      )}
    </section>
  )
}

const PersonLink: FC<{ person: { name: string; slug: string } }> = ({ person: p }) =>
  p.slug ? <a href={`/people/${encodeURIComponent(p.slug)}`}>{p.name}</a> : <>{p.name}</>

/**
 * One review: poster and credit, hook, headline, facts, meter, intro, rubric sections, tags, and,
 * when given, its comments and comment form (`commentForm` only for pages rendered for one reader).
 */
export const ReviewPage: FC<{ chrome: Chrome; record: ReviewRecord; comments?: ReviewComments; commentForm?: CommentFormState }> = ({
  chrome, record, comments, commentForm,
}) => {
  const { settings } = chrome
  const tr = translatorFor(settings.language)
  const { t } = tr
  const d = record.doc
  // Review text in another language than the site's interface is marked, for speech and for fonts.
  const lang = d.language && !isSameLanguage(d.language, tr.lang) ? d.language : undefined
  const meter = settings.meter
  const title = d.headline ? `${d.title} – ${d.headline}` : d.title
  // Browse pages take the slugs the store gave each tag and person; a preview (not yet saved) guesses them.
  const credits = d.people.map((p, i) => ({ ...p, slug: record.peopleSlugs?.[i] ?? slugify(p.name) }))
  const cast = credits.filter((p) => !p.role || p.role === 'cast')
  const crew = credits.filter((p) => p.role && p.role !== 'cast')
  const platformSlug = d.platform ? slugify(d.platform) : ''
  const facts: [string, unknown][] = [
    [t('review.year'), d.year && <a href={`/year/${d.year}`}>{d.year}</a>],
    [t('review.origin'), d.origin && (record.originCode ? <a href={`/country/${record.originCode.toLowerCase()}`}>{d.origin}</a> : d.origin)],
    [t('review.season'), d.season],
    [t('review.episodes'), d.episodes],
    [t('review.platform'), d.platform && (platformSlug ? <a href={`/platform/${encodeURIComponent(platformSlug)}`}>{d.platform}</a> : d.platform)],
    [t('review.watch'), d.firstWatch === null ? null : d.firstWatch ? t('review.firstWatch') : t('review.rewatch')],
    [t('review.reviewed'), d.reviewedOn ? <time datetime={d.reviewedOn}>{tr.date(d.reviewedOn)}</time> : null],
  ]
  return (
    <Layout chrome={chrome} title={`${title} · ${settings.name}`} description={d.hook ?? d.headline ?? settings.description} canonicalPath={`/reviews/${d.slug}`} head={<ReviewHead settings={settings} record={record} />}>
      <article class="review">
        <div class="wrap review-grid">
          <header class="review-head">
            <p class="kicker">
              {[t('review.kicker'), d.origin, d.year && String(d.year), d.season ? t('review.seasonN', { season: d.season }) : null].filter(Boolean).join(' · ')}
            </p>
            {d.hook && <p class="hook" lang={lang}>{d.hook}</p>}
            <h1 lang={lang}>
              <span class="title">{d.title}</span>
              {d.headline && (
                <>
                  <span class="visually-hidden"> – </span>
                  <span class="headline">{d.headline}</span>
                </>
              )}
            </h1>
            {(d.nativeTitle || d.romanizedTitle) && (
              <p class="alt-titles">
                {d.nativeTitle && <span lang="und">{d.nativeTitle}</span>}
                {d.nativeTitle && d.romanizedTitle && ' · '}
                {d.romanizedTitle && <span>{d.romanizedTitle}</span>}
              </p>
            )}
            {comments && <CommentCount tr={tr} count={comments.count} />}
          </header>

          <aside class="review-aside" aria-label={t('review.aboutShow')}>
            {d.poster?.src && (
              <figure class="poster-figure">
                <Poster src={d.poster.src} alt={d.poster.alt ?? t('review.posterAlt', { title: d.title })} image={record.posterImage} sizes="(min-width: 60rem) 20rem, 90vw" eager />
                {d.poster.credit && <figcaption>{d.poster.credit}</figcaption>}
              </figure>
            )}
            {!d.poster?.src && d.poster?.credit && <p class="credit-only">{t('review.posterCredit', { credit: d.poster.credit })}</p>}
            <div class="facts">
              {d.meter && (
                <div class="meter-box">
                  <p class="meter-name">{meter.name}</p>
                  {d.meter.value <= meter.max ? (
                    <a class="meter-link" href={`/meter/${d.meter.value}`}>
                      <Meter tr={tr} value={d.meter.value} max={d.meter.max} meter={meter} size="large" />
                    </a>
                  ) : (
                    <Meter tr={tr} value={d.meter.value} max={d.meter.max} meter={meter} size="large" />
                  )}
                  <p class="meter-caption" aria-hidden="true">
                    {t(meter.direction === 'lower-is-better' ? 'review.meterCaptionLower' : 'review.meterCaptionHigher', { value: d.meter.value, max: d.meter.max })}
                  </p>
                </div>
              )}
              <dl>
                {facts
                  .filter(([, v]) => v !== null && v !== undefined && v !== '')
                  .map(([k, v]) => (
                    <div class="fact">
                      <dt>{k}</dt>
                      <dd>{v}</dd>
                    </div>
                  ))}
                {d.links.length > 0 && (
                  <div class="fact">
                    <dt>{t('review.links')}</dt>
                    <dd>
                      <ul class="links">
                        {d.links.map((l) => (
                          <li>
                            {l.url ? (
                              <a href={l.url} rel="noopener nofollow">{l.site}</a>
                            ) : (
                              <span title={l.label}>{l.site}</span>
                            )}
                          </li>
                        ))}
                      </ul>
                    </dd>
                  </div>
                )}
              </dl>
            </div>
          </aside>

          <div class="review-body">
            {record.introHtml && <div class="prose intro" lang={lang}>{raw(record.introHtml)}</div>}
            {d.sections.map((s, i) => (
              <SectionView tr={tr} section={s} html={record.sectionHtml[i] ?? ''} index={i} lang={lang} />
            ))}
            {(d.tags.length > 0 || d.people.length > 0 || d.songs.length > 0) && (
              <footer class="review-foot">
                {cast.length > 0 && (
                  <p><span class="foot-label">{t('review.cast')}</span> {cast.map((p, i) => <>{i > 0 && ', '}<PersonLink person={p} /></>)}</p>
                )}
                {crew.length > 0 && (
                  <p><span class="foot-label">{t('review.crew')}</span> {crew.map((p, i) => <>{i > 0 && ', '}<PersonLink person={p} /> ({p.role})</>)}</p>
                )}
                {d.songs.length > 0 && (
                  <p><span class="foot-label">{t('review.songs')}</span> {d.songs.join(' · ')}</p>
                )}
                {d.tags.length > 0 && (
                  <ul class="tags" aria-label={t('nav.tags')}>
                    {d.tags.map((t, i) => {
                      const slug = record.tagSlugs?.[i] ?? slugify(t)
                      return <li>{slug ? <a href={`/tag/${encodeURIComponent(slug)}`}>#{t}</a> : `#${t}`}</li>
                    })}
                  </ul>
                )}
              </footer>
            )}
            <p class="byline">
              {d.author ?? settings.author}
              {d.reviewedOn && <> · {rich(t('review.reviewedOn', { date: '{date}' }), { date: <time datetime={d.reviewedOn}>{tr.date(d.reviewedOn)}</time> })}</>}
            </p>
            {comments && <Comments tr={tr} slug={d.slug} comments={comments} form={commentForm ?? { stamp: '' }} target={chrome.comments ?? { kind: 'here' }} />}
          </div>
        </div>
      </article>
    </Layout>
  )
}
