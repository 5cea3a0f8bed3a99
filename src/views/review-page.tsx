import type { FC } from 'hono/jsx'
import { raw } from 'hono/html'
import type { CommentFormState, ReviewComments } from '../domain/comments.ts'
import type { ReviewRecord } from '../domain/records.ts'
import type { Section } from '../domain/review.ts'
import { slugify } from '../domain/slug.ts'
import { CommentCount, Comments } from './comments.tsx'
import { Meter, Poster } from './components.tsx'
import { formatDate } from './format.ts'
import { Layout, type Chrome } from './layout.tsx'
import { ReviewHead } from './social-head.tsx'

const SectionView: FC<{ section: Section; html: string; index: number }> = ({ section: s, html, index }) => {
  const id = slugify(s.aspect) || `section-${index + 1}`
  const body = <div class="prose">{raw(html)}</div>
  return (
    <section class="aspect" id={id} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        <span class="aspect-name">{s.aspect}</span>
        {s.verdict && (
          <>
            <span class="visually-hidden"> – </span>
            <span class="verdict">{s.verdict}</span>
          </>
        )}
      </h2>
      {s.score !== null && (
        <p class="score">
          <span class="visually-hidden">Score: </span>
          {s.score}
          {s.scoreMax !== null && <span class="score-max">/{s.scoreMax}</span>}
        </p>
      )}
      {s.spoiler ? (
        <details class="spoiler">
          <summary>Spoilers ahead: show this section</summary>
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
  const d = record.doc
  const meter = settings.meter
  const title = d.headline ? `${d.title} – ${d.headline}` : d.title
  // Browse pages take the slugs the store gave each tag and person; a preview (not yet saved) guesses them.
  const credits = d.people.map((p, i) => ({ ...p, slug: record.peopleSlugs?.[i] ?? slugify(p.name) }))
  const cast = credits.filter((p) => !p.role || p.role === 'cast')
  const crew = credits.filter((p) => p.role && p.role !== 'cast')
  const platformSlug = d.platform ? slugify(d.platform) : ''
  const facts: [string, unknown][] = [
    ['Year', d.year && <a href={`/year/${d.year}`}>{d.year}</a>],
    ['Origin', d.origin && (record.originCode ? <a href={`/country/${record.originCode.toLowerCase()}`}>{d.origin}</a> : d.origin)],
    ['Season', d.season],
    ['Episodes', d.episodes],
    ['Platform', d.platform && (platformSlug ? <a href={`/platform/${encodeURIComponent(platformSlug)}`}>{d.platform}</a> : d.platform)],
    ['Watch', d.firstWatch === null ? null : d.firstWatch ? 'First watch' : 'Rewatch'],
    ['Reviewed', d.reviewedOn ? <time datetime={d.reviewedOn}>{formatDate(d.reviewedOn)}</time> : null],
  ]
  return (
    <Layout chrome={chrome} title={`${title} · ${settings.name}`} description={d.hook ?? d.headline ?? settings.description} canonicalPath={`/reviews/${d.slug}`} head={<ReviewHead settings={settings} record={record} />}>
      <article class="review">
        <div class="wrap review-grid">
          <header class="review-head">
            <p class="kicker">
              Review{d.origin && ` · ${d.origin}`}
              {d.year && ` · ${d.year}`}
              {d.season ? ` · Season ${d.season}` : ''}
            </p>
            {d.hook && <p class="hook">{d.hook}</p>}
            <h1>
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
            {comments && <CommentCount count={comments.count} />}
          </header>

          <aside class="review-aside" aria-label="About the show">
            {d.poster?.src && (
              <figure class="poster-figure">
                <Poster src={d.poster.src} alt={d.poster.alt ?? `Poster for ${d.title}`} image={record.posterImage} sizes="(min-width: 60rem) 20rem, 90vw" eager />
                {d.poster.credit && <figcaption>{d.poster.credit}</figcaption>}
              </figure>
            )}
            {!d.poster?.src && d.poster?.credit && <p class="credit-only">Poster: {d.poster.credit}</p>}
            <div class="facts">
              {d.meter && (
                <div class="meter-box">
                  <p class="meter-name">{meter.name}</p>
                  {d.meter.value <= meter.max ? (
                    <a class="meter-link" href={`/meter/${d.meter.value}`}>
                      <Meter value={d.meter.value} max={d.meter.max} meter={meter} size="large" />
                    </a>
                  ) : (
                    <Meter value={d.meter.value} max={d.meter.max} meter={meter} size="large" />
                  )}
                  <p class="meter-caption" aria-hidden="true">
                    {d.meter.value} of {d.meter.max} · {meter.direction === 'lower-is-better' ? 'lower is better' : 'higher is better'}
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
                    <dt>Links</dt>
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
            {record.introHtml && <div class="prose intro">{raw(record.introHtml)}</div>}
            {d.sections.map((s, i) => (
              <SectionView section={s} html={record.sectionHtml[i] ?? ''} index={i} />
            ))}
            {(d.tags.length > 0 || d.people.length > 0 || d.songs.length > 0) && (
              <footer class="review-foot">
                {cast.length > 0 && (
                  <p><span class="foot-label">Cast</span> {cast.map((p, i) => <>{i > 0 && ', '}<PersonLink person={p} /></>)}</p>
                )}
                {crew.length > 0 && (
                  <p><span class="foot-label">Crew</span> {crew.map((p, i) => <>{i > 0 && ', '}<PersonLink person={p} /> ({p.role})</>)}</p>
                )}
                {d.songs.length > 0 && (
                  <p><span class="foot-label">Songs</span> {d.songs.join(' · ')}</p>
                )}
                {d.tags.length > 0 && (
                  <ul class="tags" aria-label="Tags">
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
              {d.reviewedOn && <> · reviewed <time datetime={d.reviewedOn}>{formatDate(d.reviewedOn)}</time></>}
            </p>
            {comments && <Comments slug={d.slug} comments={comments} form={commentForm ?? { stamp: '' }} target={chrome.comments ?? { kind: 'here' }} />}
          </div>
        </div>
      </article>
    </Layout>
  )
}
