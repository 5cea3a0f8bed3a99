// WordPress export (WXR: RSS 2.0 plus the `wp:` namespace) → review documents, streamed.
//
// Two passes over the file, each with flat memory: the first collects attachments (a post names
// its featured image by id, and the attachment may come before or after it in the file); the
// second hands over the posts as their `</item>` is read. Reading a post is a pure function of
// the post and its context (`WxrPostReader`), so a caller may read posts elsewhere, such as in
// worker threads, while the file is still being scanned, and the passes may run side by side. A post's HTML is turned into the
// pasted-text form of the house format (one line per block, body text as Markdown) and read by
// `readPastedText`, so both readers share one house-format parser and one set of rules.
import { SaxesParser, type SaxesTagPlain } from 'saxes'
import TurndownService from 'turndown'
import type { InputIssue } from '../domain/errors.ts'
import { isSafeUrl, KNOWN_LINK_SITES, normalizeTags, ReviewDocument, type ReviewStatus } from '../domain/review.ts'
import { compileRubric } from '../domain/rubric.ts'
import type { SiteSettings } from '../domain/settings.ts'
import type { ImportedComment, ImportItem, PosterSource, SkippedItem, StreamingReader } from './import-batch.ts'
import { readPastedText, splitTitleLine } from './pasted-text.ts'
import { zodIssues } from './result.ts'

export type WxrOptions = {
  /** The file's size, when the caller knows it: progress items then carry a total from the start. */
  totalBytes?: number
}

/** What reading a post needs besides the post: the file's name, the site's settings, and the blog's address and authors. */
export type WxrContext = { label: string; settings: SiteSettings; baseUrl: string | null; authors: ReadonlyMap<string, string> }

/** A post as the export holds it, with the attachment its featured image names (null when it names none). */
export type WxrPost = { item: WxrItem; featured: { id: string; attachment: WxrAttachment | null } | null }

/** What `scanWxr` yields: items, and the posts of the export in order, a chunk of the file at a time. */
export type WxrUnit = ImportItem | { kind: 'posts'; context: WxrContext; posts: WxrPost[] }

/**
 * Reads a WordPress export (WXR 1.0–1.2) and yields its house-format posts as reviews, with
 * their featured image, tags, status, dates and approved comments; everything else is yielded as
 * `skipped` with a reason, and every problem as a located `issue`. `open` is called once per pass
 * and must return the file's bytes from the start each time.
 *
 * Progress counts the bytes of both passes: `done` runs up to `total` = twice the file size (0
 * while the size is not known yet).
 *
 * @example
 * for await (const item of readWxr(() => createReadStream(path), 'blog.xml', settings)) …
 */
export async function* readWxr(
  open: () => AsyncIterable<Buffer | string>,
  label: string,
  settings: SiteSettings,
  options: WxrOptions = {},
): StreamingReader {
  let reader = null as WxrPostReader | null
  for await (const unit of scanWxr(open, label, settings, options)) {
    if (unit.kind !== 'posts') {
      yield unit
      continue
    }
    if (reader?.context !== unit.context) reader = new WxrPostReader(unit.context)
    // Copied on the way out (see `own`): a caller that keeps items must not keep the file's chunks.
    for (const post of unit.posts) yield* reader.read(post).map((out) => structuredClone(out))
  }
}

/**
 * The first half of `readWxr`: scans the export and yields its posts unread, in file order, with
 * every other item. Before the posts it yields `self-contained` when no post needs an image
 * fetched (none names a featured image the export has): their reviews can be saved as soon as they
 * are read.
 */
export async function* scanWxr(
  open: () => AsyncIterable<Buffer | string>,
  label: string,
  settings: SiteSettings,
  options: WxrOptions = {},
): AsyncGenerator<WxrUnit, void, undefined> {
  const first = yield* scanWxrAttachments(open, label, options)
  if (!first) return
  if (first.selfContained) yield { kind: 'self-contained' }
  yield* scanWxrPosts(open, label, settings, { attachments: first.attachments, before: first.bytes, total: first.bytes * 2 })
}

/** What the first pass over an export finds: its attachments by id, and whether any post names one as its featured image. */
export type WxrAttachments = { attachments: Map<string, WxrAttachment>; selfContained: boolean; bytes: number }

/**
 * The first pass of `scanWxr`: the export's attachments (a post names its featured image by id,
 * and the attachment may come before or after it in the file). Yields progress, and an issue when
 * the file cannot be read, then returns null.
 */
export async function* scanWxrAttachments(
  open: () => AsyncIterable<Buffer | string>,
  label: string,
  options: WxrOptions = {},
): AsyncGenerator<ImportItem, WxrAttachments | null, undefined> {
  const attachments = new Map<string, WxrAttachment>()
  const featured = new Set<string>()
  const first = yield* scan<never>(open, label, {
    bodies: false,
    before: 0,
    total: options.totalBytes ? options.totalBytes * 2 : 0,
    onItem(item) {
      const id = item.postId.trim()
      if (item.type.trim() === 'attachment') {
        if (id) attachments.set(own(id), attachmentOf(item))
      } else {
        const image = item.meta.get('_thumbnail_id')?.trim()
        if (image) featured.add(own(image))
      }
      return null
    },
  })
  if (!first.ok) return null
  return { attachments, selfContained: ![...featured].some((id) => attachments.has(id)), bytes: first.bytes }
}

/**
 * The second pass of `scanWxr`: the posts, in file order, with every other item of the export.
 * A post's featured image is looked up in `attachments`; without them (a caller that gets them
 * later) it is left null for the caller to fill. `before` and `total` are the progress bytes of
 * the first pass and of both.
 */
export async function* scanWxrPosts(
  open: () => AsyncIterable<Buffer | string>,
  label: string,
  settings: SiteSettings,
  options: { attachments: ReadonlyMap<string, WxrAttachment> | null; before: number; total: number },
): AsyncGenerator<WxrUnit, void, undefined> {
  const { attachments } = options
  let context: WxrContext | null = null
  yield* scan(open, label, {
    bodies: true,
    before: options.before,
    total: options.total,
    onChannel: (channel) => {
      context = { label, settings, baseUrl: channel.baseUrl, authors: channel.authors }
    },
    onItem: (item) => {
      const id = item.meta.get('_thumbnail_id')?.trim()
      return { kind: 'posts', context: context!, posts: [{ item, featured: id ? { id, attachment: attachments?.get(id) ?? null } : null }] }
    },
  })
}

// ---------------------------------------------------------------------------------------------
// XML: one streaming pass

/** A comment of a post, its fields as the XML has them. */
export type WxrComment = {
  line: number
  id: string
  author: string
  email: string
  url: string
  date: string
  dateGmt: string
  content: string
  approved: string
  type: string
  parent: string
}

/** An `<item>` of the export (a post, page, attachment…), its fields as the XML has them. */
export type WxrItem = {
  line: number
  titleLine: number
  contentLine: number
  title: string
  link: string
  guid: string
  creator: string
  postId: string
  dateGmt: string
  status: string
  type: string
  password: string
  content: string
  excerpt: string
  attachmentUrl: string
  terms: { domain: string; nicename: string; name: string }[]
  meta: Map<string, string>
  comments: WxrComment[]
}

type Channel = { baseUrl: string | null; authors: Map<string, string> }

type Pass<U extends WxrUnit> = {
  /** Whether post bodies and comments are kept (the first pass needs neither). */
  bodies: boolean
  /** Bytes read by earlier passes, and the total of all passes (0 when unknown), for progress. */
  before: number
  total: number
  onChannel?: (channel: Channel) => void
  onItem: (item: WxrItem) => U | null
}

const PROGRESS_EVERY = 1 << 20
type TextFields<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T]
const ITEM_FIELDS: Record<string, TextFields<WxrItem>> = {
  title: 'title',
  link: 'link',
  guid: 'guid',
  'dc:creator': 'creator',
  'wp:post_id': 'postId',
  'wp:post_date_gmt': 'dateGmt',
  'wp:status': 'status',
  'wp:post_type': 'type',
  'wp:post_password': 'password',
  'content:encoded': 'content',
  'excerpt:encoded': 'excerpt',
  'wp:attachment_url': 'attachmentUrl',
}
const COMMENT_FIELDS: Record<string, TextFields<WxrComment>> = {
  'wp:comment_id': 'id',
  'wp:comment_author': 'author',
  'wp:comment_author_email': 'email',
  'wp:comment_author_url': 'url',
  'wp:comment_date': 'date',
  'wp:comment_date_gmt': 'dateGmt',
  'wp:comment_content': 'content',
  'wp:comment_approved': 'approved',
  'wp:comment_type': 'type',
  'wp:comment_parent': 'parent',
}

/**
 * Runs saxes over one read of the file. Saxes calls back synchronously inside `write`, so units
 * made by `onItem` are queued and yielded after each chunk: memory holds one chunk and the posts
 * that end in it.
 * Malformed XML yields one issue at the line saxes reports and ends the pass.
 */
async function* scan<U extends WxrUnit>(
  open: () => AsyncIterable<Buffer | string>,
  label: string,
  pass: Pass<U>,
): AsyncGenerator<U | ImportItem, { ok: boolean; bytes: number }, undefined> {
  // No namespace processing: WordPress always writes the same prefixes, and names compare as
  // written (`wp:post_type`), which keeps the pass cheap.
  const parser = new SaxesParser({ position: true, xmlns: false })
  const queue: (U | ImportItem)[] = []
  let failure: InputIssue | null = null
  const fail = (line: number, field: string, message: string) => {
    failure ??= { file: label, line, field, message }
  }

  const stack: string[] = []
  let text = ''
  let keepText = false
  let item: WxrItem | null = null
  let comment: WxrComment | null = null
  let meta: { key: string; value: string } | null = null
  let author: { login: string; name: string } | null = null
  const channel: Channel = { baseUrl: null, authors: new Map() }
  let channelSent = false
  let siteUrl: string | null = null

  parser.on('error', (err) => {
    // Saxes goes on after an error, often into a cascade of follow-ups: the first one is the news.
    const column = /^\d+:(\d+): /.exec(err.message)?.[1]
    const message = err.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '')
    fail(parser.line, '(xml)', column ? `${message} (column ${Number(column) + 1})` : message)
  })
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (failure) return
    const name = tag.name
    const parent = stack.at(-1)
    if (stack.length === 0) {
      if (name !== 'rss') fail(parser.line, '(file)', `not a WordPress export: the document is <${name}>, not <rss>`)
      else if (!Object.keys(tag.attributes).some((a) => a.startsWith('xmlns:') && /^https?:\/\/wordpress\.org\/export\//.test(tag.attributes[a]!)))
        fail(parser.line, '(file)', 'not a WordPress export: <rss> does not declare the WordPress export namespace (xmlns:wp)')
    }
    stack.push(name)
    text = ''
    keepText = stack.length > 2
    if (name === 'item' && parent === 'channel') {
      if (pass.onChannel && !channelSent) {
        channel.baseUrl ??= siteUrl
        pass.onChannel(channel)
        channelSent = true
      }
      item = newItem(parser.line)
    } else if (item && parent === 'item') {
      if (name === 'wp:comment') comment = pass.bodies ? newComment(parser.line) : null
      else if (name === 'wp:postmeta') meta = { key: '', value: '' }
      else if (name === 'category') item.terms.push({ domain: tag.attributes.domain ?? '', nicename: tag.attributes.nicename ?? '', name: '' })
      else if (name === 'content:encoded') item.contentLine = parser.line
      else if (name === 'title') item.titleLine = parser.line
    } else if (name === 'wp:author' && parent === 'channel') author = { login: '', name: '' }
    if (!pass.bodies && (name === 'content:encoded' || stack.includes('wp:comment'))) keepText = false
  })
  const onText = (t: string) => {
    if (keepText) text += t
  }
  parser.on('text', onText)
  parser.on('cdata', onText)
  parser.on('closetag', (tag: SaxesTagPlain) => {
    if (failure) return
    const name = tag.name
    stack.pop()
    const parent = stack.at(-1)
    const value = text
    text = ''
    if (item) {
      if (name === 'item') {
        const unit = pass.onItem(item)
        const last = queue.at(-1)
        // The posts of one chunk go out together.
        if (unit?.kind === 'posts' && last?.kind === 'posts' && last.context === unit.context) for (const p of unit.posts) last.posts.push(p)
        else if (unit) queue.push(unit)
        item = null
      } else if (parent === 'item') {
        const field = entry(ITEM_FIELDS, name)
        if (field) item[field] = value
        else if (name === 'category') item.terms.at(-1)!.name = value
        else if (name === 'wp:postmeta' && meta) item.meta.set(meta.key.trim(), meta.value)
        else if (name === 'wp:comment' && comment) item.comments.push(comment)
      } else if (parent === 'wp:postmeta' && meta) {
        if (name === 'wp:meta_key') meta.key = value
        else if (name === 'wp:meta_value') meta.value = value
      } else if (parent === 'wp:comment' && comment) {
        const field = entry(COMMENT_FIELDS, name)
        if (field) comment[field] = value
      }
    } else if (parent === 'wp:author' && author) {
      if (name === 'wp:author_login') author.login = value.trim()
      else if (name === 'wp:author_display_name') author.name = value.trim()
    } else if (name === 'wp:author' && author) {
      if (author.login) channel.authors.set(author.login, author.name || author.login)
      author = null
    } else if (parent === 'channel') {
      if (name === 'wp:base_blog_url' && value.trim()) channel.baseUrl = value.trim()
      else if (name === 'wp:base_site_url' && value.trim()) siteUrl = value.trim()
      else if (name === 'wp:wxr_version' && pass.bodies && !/^1\.[0-2]$/.test(value.trim()))
        queue.push({ kind: 'warning', message: `${label}:${parser.line}: WXR version "${value.trim()}" is newer than this reader knows (1.2); reading it as 1.2` })
    }
  })

  const decoder = new TextDecoder('utf-8')
  let bytes = 0
  let reported = 0
  const iterator = open()[Symbol.asyncIterator]()
  try {
    for (;;) {
      let step: IteratorResult<Buffer | string>
      try {
        step = await iterator.next()
      } catch (err) {
        fail(parser.line, '(file)', `could not be read: ${err instanceof Error ? err.message : String(err)}`)
        break
      }
      if (step.done) break
      const chunk = step.value
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length
      parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))
      if (failure) break
      yield* queue.splice(0)
      if (bytes - reported >= PROGRESS_EVERY) {
        reported = bytes
        yield { kind: 'progress', done: pass.before + bytes, total: pass.total }
      }
    }
  } finally {
    // Stops the underlying stream when reading ends early (an error, or the caller stopped).
    await iterator.return?.()
  }
  if (!failure) {
    parser.write(decoder.decode())
    parser.close()
  }
  if (failure) {
    yield { kind: 'issue', issue: failure }
    return { ok: false, bytes }
  }
  yield* queue.splice(0)
  const total = pass.total || (pass.before + bytes) * 2
  yield { kind: 'progress', done: pass.before + bytes, total: Math.max(total, pass.before + bytes) }
  return { ok: true, bytes }
}

/** A table's entry for a name read from the file; `hasOwn`, so "constructor" finds nothing. */
function entry<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}

function newItem(line: number): WxrItem {
  return {
    line, titleLine: line, contentLine: line,
    title: '', link: '', guid: '', creator: '', postId: '', dateGmt: '', status: '', type: '', password: '',
    content: '', excerpt: '', attachmentUrl: '', terms: [], meta: new Map(), comments: [],
  }
}

function newComment(line: number): WxrComment {
  return { line, id: '', author: '', email: '', url: '', date: '', dateGmt: '', content: '', approved: '', type: '', parent: '' }
}

// ---------------------------------------------------------------------------------------------
// Posts → items

/** An attachment (an uploaded image) as a featured image needs it. */
export type WxrAttachment = { url: string; path: string | null; caption: string; title: string; alt: string }

function attachmentOf(item: WxrItem): WxrAttachment {
  const path = item.meta.get('_wp_attached_file')?.trim()
  return {
    url: own((item.attachmentUrl || item.guid).trim()),
    path: path ? own(path) : null,
    caption: own(htmlToText(item.excerpt, false)),
    title: own(htmlToText(item.title, false)),
    alt: own(htmlToText(item.meta.get('_wp_attachment_image_alt') ?? '', false)),
  }
}

/**
 * A copy of a string that shares no memory with the chunk it was read from. V8 may keep a short
 * string as a slice of its source, so one attachment URL kept for the whole read would keep a
 * whole chunk of the file alive with it.
 */
function own(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8')
}

const STATUSES: Record<string, ReviewStatus> = {
  publish: 'published',
  draft: 'draft',
  pending: 'draft',
  future: 'scheduled',
  private: 'unpublished',
}

// What a post adds to the document its house text gave, which `readPastedText` has checked already.
const FROM_THE_POST = ReviewDocument.pick({ tags: true, status: true, author: true, publishedAt: true, source: true, poster: true })

/** What a post type is called in the summary, and why it is left out. */
const OTHER_TYPES: Record<string, { noun: string; reason: string }> = {
  page: { noun: 'page', reason: 'a page, not a post' },
  nav_menu_item: { noun: 'menu item', reason: 'a navigation menu item' },
  wp_block: { noun: 'reusable block', reason: 'a reusable block, not a post' },
  wp_navigation: { noun: 'navigation menu', reason: 'a navigation menu' },
  revision: { noun: 'revision', reason: 'an old revision of a post' },
}

// Header labels that only the house format uses; two of them (or section headings) mark a review.
const TELLTALE_LABELS = ['year', 'origin', 'country', 'season', 'platform', 'firstwatch', 'reviewdate', 'reviewedon',
  'image', 'poster', 'nativetitle', 'asianwiki', 'mydramalist', 'mdl', 'imdb', 'tmdb']
// Header lines whose value is a link keep its address (`AsianWiki: Title (https://…)`).
const LINK_LABELS = new Set([...KNOWN_LINK_SITES, 'mdl'].map((s) => labelKey(s)))
// The shape of a `Label: value` header line, as the pasted-text reader reads it.
const HEADER_LINE = /^([\p{L}][\p{L}\p{N} ._'/&-]{0,39}?)\s*[:：]\s*(.*)$/u
function labelKey(label: string): string {
  return label.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
}

/** Reads the posts of one export (see `WxrContext`) into items; holds what every post reuses. */
export class WxrPostReader {
  private readonly label: string
  private readonly settings: SiteSettings
  private readonly baseUrl: string | null
  private readonly authors: ReadonlyMap<string, string>
  private readonly telltales: Set<string>
  private readonly matchHeading: ReturnType<typeof compileRubric>
  private readonly turndown: TurndownService

  constructor(readonly context: WxrContext) {
    ;({ label: this.label, settings: this.settings, baseUrl: this.baseUrl, authors: this.authors } = context)
    const meter = this.settings.meter.name
    this.telltales = new Set([...TELLTALE_LABELS, labelKey(meter), labelKey(meter.replace(/\s*(meter|scale|rating)$/i, ''))])
    this.matchHeading = compileRubric(this.settings.rubric)
    this.turndown = createTurndown((href) => resolveHref(href, this.baseUrl))
  }

  /** The items of one post: a review, or why it is skipped, or its problems; and warnings. */
  read(post: WxrPost): ImportItem[] {
    try {
      return this.readPost(post)
    } catch (err) {
      // Content the HTML converter cannot take (characters a DOM refuses, markup nested deeper
      // than it can walk) is a problem of that post, not of the import.
      const reason = err instanceof RangeError ? 'markup nested too deeply' : err instanceof Error ? err.message : String(err)
      return [{ kind: 'issue', issue: { file: this.label, line: post.item.line, field: 'content', message: `could not be read as HTML (${reason})` } }]
    }
  }

  private readPost(post: WxrPost): ImportItem[] {
    const { item } = post
    const type = item.type.trim() || 'post'
    if (type === 'attachment') return []
    const title = htmlToText(item.title, false)
    const at = { file: this.label, line: item.line }
    const other = entry(OTHER_TYPES, type)
    const named = (noun: string) => `${noun} ${title ? `"${title}"` : `#${item.postId.trim() || '?'}`}`
    const skip = (what: string, reason: string): ImportItem[] => [{ kind: 'skipped', item: { at, what, reason } }]
    if (type !== 'post') return skip(named(other?.noun ?? type), other?.reason ?? `post type "${type}" is not imported`)

    const what = named('post')
    const wpStatus = item.status.trim()
    if (wpStatus === 'trash') return skip(what, 'in the trash')
    if (wpStatus === 'auto-draft') return skip(what, 'an auto-draft WordPress made and nobody saved')

    const lines = htmlLines(stripShortcodes(item.content), (href) => resolveHref(href, this.baseUrl), !/<!--\s*wp:/.test(item.content))
    const plan = this.plan(lines)
    if (!plan.isReview)
      return skip(what, 'not a review in the house format (no "Year:"/"Origin:" header lines or "Aspect – Verdict" headings)')

    const out: ImportItem[] = []
    const result = this.readHouseText(item, lines, plan, title)
    if (!result.ok) return result.issues.map((issue) => ({ kind: 'issue', issue }))
    const doc = result.doc

    let status = entry(STATUSES, wpStatus)
    if (!status) {
      status = 'draft'
      out.push({ kind: 'warning', message: `${this.label}:${item.line}: ${what} has the status "${wpStatus}", imported as a draft` })
    }
    if (item.password.trim() && status === 'published') {
      status = 'unpublished'
      out.push({ kind: 'warning', message: `${this.label}:${item.line}: ${what} was password-protected, imported as unpublished` })
    }

    const terms = item.terms
      .filter((t) => (t.domain === 'category' || t.domain === 'post_tag') && !(t.domain === 'category' && t.nicename === 'uncategorized'))
      .map((t) => htmlToText(t.name, false))
    let tags = normalizeTags([...doc.tags, ...terms])
    if (tags.length > 50) {
      out.push({ kind: 'warning', message: `${this.label}:${item.line}: ${what} has ${tags.length} tags and categories; the first 50 are kept` })
      tags = tags.slice(0, 50)
    }

    const poster = this.posterOf(item, post.featured, what, doc.poster?.credit ?? null, out)
    const guid = item.guid.trim()
    const link = item.link.trim()
    const creator = item.creator.trim()
    const added = {
      tags,
      status,
      author: doc.author ?? (creator ? (this.authors.get(creator) ?? creator) : null),
      publishedAt: wordpressDate(item.dateGmt),
      source: {
        id: `wordpress:${guid || `${this.baseUrl ?? ''}/?p=${item.postId.trim()}`}`,
        url: isSafeUrl(link) ? link : null,
      },
      poster: poster?.doc ?? doc.poster,
    }
    const parsed = FROM_THE_POST.safeParse(added)
    if (!parsed.success) return zodIssues(parsed.error.issues, () => item.line, this.label).map((issue) => ({ kind: 'issue', issue }))

    const { comments, skipped } = this.commentsOf(item, what)
    out.push({
      kind: 'review',
      review: { doc: { ...doc, ...parsed.data }, at, poster: poster?.source ?? null, comments },
    })
    if (skipped) out.push({ kind: 'skipped', item: skipped })
    return out
  }

  /**
   * Decides, line by line, which form the pasted-text reader gets: header lines, the hook, the
   * title line and section headings are plain text (link headers keep their addresses), and
   * everything else is body text in Markdown. Mirrors how `readPastedText` walks
   * the same lines.
   */
  private plan(lines: readonly HtmlLine[]): { forms: LineForm[]; isReview: boolean; headerCount: number } {
    const forms: LineForm[] = lines.map(() => 'markdown')
    let known = 0
    let headings = 0
    let i = 0
    for (; i < lines.length; i++) {
      const m = HEADER_LINE.exec(lines[i]!.text)
      if (!m) break
      const key = labelKey(m[1]!)
      if (this.telltales.has(key)) known++
      forms[i] = LINK_LABELS.has(key) ? 'withUrls' : 'text'
    }
    const headerCount = i
    const isTitle = (l: HtmlLine | undefined) => !!l && !this.matchHeading(l.text) && !!splitTitleLine(l.text)
    const [a, b] = [lines[i], lines[i + 1]]
    if (a) forms[i] = 'text'
    if (b && isTitle(b) && !(isTitle(a) && /[.。]$/u.test(b.text))) forms[i + 1] = 'text'
    for (let k = i; k < lines.length; k++) {
      if (this.matchHeading(lines[k]!.text)) {
        forms[k] = 'text'
        headings++
      }
    }
    return { forms, isReview: known >= 2 || headings >= 2 || (known >= 1 && headings >= 1), headerCount }
  }

  /** Feeds the post's lines to the pasted-text reader and maps its issues back to lines of the XML file. */
  private readHouseText(item: WxrItem, lines: readonly HtmlLine[], plan: { forms: readonly LineForm[]; headerCount: number }, wpTitle: string):
      { ok: true; doc: ReviewDocument } | { ok: false; issues: InputIssue[] } {
    const { forms, headerCount } = plan
    const markdown = this.markdownOf(lines.filter((_, k) => forms[k] === 'markdown'))
    let md = 0
    const base: HouseLine[] = lines.map((line, k) => {
      const form = forms[k]!
      const body = form === 'markdown' ? markdown[md++] || line.text : line[form]
      return { text: form === 'markdown' ? line.prefix + body : body, from: k, group: line.group }
    })
    const attempt = (houseLines: HouseLine[]) => {
      const { text, origins } = joinHouseLines(houseLines)
      return { result: readPastedText(text, this.settings, this.label), origins }
    }
    let { result, origins } = attempt(base)
    // No `Title – Headline` line in the post: the post's own title stands in. A title that splits
    // at a dash is the title line; otherwise it is a `Title:` header, and the first line is the hook.
    const titleMissing = (issues: readonly InputIssue[]) =>
      issues.some((i) => i.field === 'title' && /^(expected a "Title – Headline" line|the text ends before)/.test(i.message))
    if (!result.ok && wpTitle && titleMissing(result.issues)) {
      const titled = [...base]
      if (splitTitleLine(wpTitle)) titled.splice(headerCount, 0, { text: wpTitle, from: TITLE, group: -1 })
      else titled.unshift({ text: `Title: ${wpTitle}`, from: TITLE, group: -1 })
      ;({ result, origins } = attempt(titled))
    }
    if (result.ok) return { ok: true, doc: result.value }

    const htmlLines = locateLines(lines, item.content)
    const xmlLine = (line: number): number => {
      // The nearest line at or above that came from the post (a blank line has no origin).
      for (let n = Math.min(line, origins.length - 1); n >= 1; n--) {
        const from = origins[n]
        if (from === undefined || from === null) continue
        return from === TITLE ? item.titleLine : item.contentLine + htmlLines[from]!
      }
      return item.contentLine
    }
    return { ok: false, issues: result.issues.map((i) => ({ ...i, file: this.label, line: xmlLine(i.line) })) }
  }

  /**
   * Markdown for body lines. Plain text only needs escaping; lines with markup go through turndown
   * in one run per post, each line marked so the output splits back into lines.
   */
  private markdownOf(lines: readonly HtmlLine[]): string[] {
    const out = lines.map((l) => (l.nodes.every((n) => n.nodeType === TEXT) ? this.turndown.escape(l.text) : null))
    const marked = lines.filter((_, k) => out[k] === null)
    if (!marked.length) return out as string[]
    const doc = htmlDocument()
    const root = doc.createElement('div')
    for (const line of marked) {
      const p = doc.createElement('p')
      p.appendChild(doc.createTextNode(LINE_MARK))
      for (const node of line.nodes) p.appendChild(node.cloneNode(true))
      root.appendChild(p)
    }
    const parts = this.turndown.turndown(root).split(LINE_MARK).slice(1)
    // One part per line; anything else would be a bug in the marking, so fall back to plain text.
    let k = 0
    return out.map((md, i) => md ?? (parts.length === marked.length ? parts[k++]!.replace(/\s*\n\s*/g, ' ').trim() : lines[i]!.text))
  }

  private posterOf(item: WxrItem, featured: WxrPost['featured'], what: string, credit: string | null, out: ImportItem[]):
      { source: PosterSource; doc: { src: null; credit: string | null; alt: string | null } } | null {
    if (!featured) return null
    const found = featured.attachment
    if (!found || !isSafeUrl(found.url)) {
      out.push({
        kind: 'warning',
        message: `${this.label}:${item.line}: ${what}: its featured image (attachment ${featured.id}) ${found ? `has no http(s) address ("${found.url}")` : 'is not in the export'}`,
      })
      return null
    }
    return {
      source: { kind: 'wordpress', url: found.url, path: found.path },
      doc: { src: null, credit: clip(found.caption, 500) || credit, alt: clip(found.alt || found.title, 300) || null },
    }
  }

  private commentsOf(item: WxrItem, what: string): { comments: ImportedComment[]; skipped: SkippedItem | null } {
    const byId = new Map(item.comments.map((c) => [c.id.trim(), c]))
    const kept: ImportedComment[] = []
    const left = new Map<string, number>()
    const leave = (why: string) => left.set(why, (left.get(why) ?? 0) + 1)
    for (const c of item.comments) {
      const type = c.type.trim()
      if (type === 'pingback' || type === 'trackback') {
        leave(type)
        continue
      }
      const approved = c.approved.trim()
      if (approved !== '1') {
        leave(approved === '0' ? 'awaiting approval' : approved === 'spam' ? 'spam' : /trash/.test(approved) ? 'in the trash' : `"${approved}"`)
        continue
      }
      const body = htmlToText(c.content, true)
      // The local date, read as UTC, only when WordPress left the GMT one empty.
      const createdAt = wordpressDate(c.dateGmt) ?? wordpressDate(c.date)
      if (!body) {
        leave('empty')
        continue
      }
      if (!createdAt) {
        leave('without a date')
        continue
      }
      const url = c.url.trim()
      kept.push({
        sourceId: c.id.trim(),
        parentSourceId: c.parent.trim(),
        authorName: clip(htmlToText(c.author, false), 120) || 'Anonymous',
        authorEmail: c.email.trim() || null,
        authorUrl: url && isSafeUrl(url) ? url : null,
        body,
        createdAt,
        at: { file: this.label, line: c.line },
      })
    }
    // Replies thread one level deep: a reply to a reply attaches to the top-level comment; a reply
    // whose thread starts at a comment that is not imported stands on its own.
    const keptIds = new Set(kept.map((c) => c.sourceId))
    for (const c of kept) {
      let top: string | null = null
      const seen = new Set<string>([c.sourceId])
      for (let p = c.parentSourceId; p && p !== '0' && byId.has(p) && !seen.has(p); p = byId.get(p)!.parent.trim()) {
        seen.add(p)
        top = p
      }
      c.parentSourceId = top && keptIds.has(top) ? top : null
    }
    if (!left.size) return { comments: kept, skipped: null }
    const total = [...left.values()].reduce((a, b) => a + b, 0)
    const reason = `${total} ${total === 1 ? 'comment' : 'comments'} not imported: ${[...left].map(([why, n]) => `${n} ${why}`).join(', ')}`
    return { comments: kept, skipped: { at: { file: this.label, line: item.line }, what: `comments on ${what}`, reason } }
  }
}

type LineForm = 'withUrls' | 'text' | 'markdown'
/** A line of the pasted-text form; `from` is the index of the HTML line it came from. */
type HouseLine = { text: string; from: number; group: number }
const TITLE = -1

/** Joins lines into pasted text: a blank line between blocks, none between the items of one list. */
function joinHouseLines(lines: readonly HouseLine[]): { text: string; origins: (number | null)[] } {
  const out: string[] = []
  // origins[n] is where line n (1-based) of the text came from; blank lines come from nowhere.
  const origins: (number | null)[] = [null]
  let group: number | null = null
  for (const line of lines) {
    if (out.length && !(line.group >= 0 && line.group === group)) {
      out.push('')
      origins.push(null)
    }
    out.push(line.text)
    origins.push(line.from)
    group = line.group
  }
  return { text: out.join('\n'), origins }
}

/**
 * WordPress dates (`2024-03-17 09:30:00`, UTC for the `_gmt` fields) as ISO 8601; null for the
 * `0000-00-00 00:00:00` WordPress writes for drafts, and for anything unreadable.
 */
function wordpressDate(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(value.trim())
  if (!m || m[1] === '0000') return null
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`
  const date = new Date(iso)
  return !Number.isNaN(date.getTime()) && date.toISOString().replace('.000Z', 'Z') === iso ? iso : null
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s
}

// ---------------------------------------------------------------------------------------------
// HTML → lines

const ELEMENT = 1
const TEXT = 3
const COMMENT = 8
// Marks where each line starts in one turndown run; private use, and removed from the input.
const LINE_MARK = '\ue000'

/** Elements whose content is never review text. */
const DROPPED = new Set(['script', 'style', 'iframe', 'noscript', 'object', 'embed', 'form', 'input', 'button', 'select',
  'textarea', 'svg', 'canvas', 'video', 'audio', 'template', 'head', 'title', 'meta', 'link', 'map', 'picture', 'source'])
const INLINE = new Set(['a', 'abbr', 'acronym', 'b', 'bdi', 'bdo', 'big', 'br', 'cite', 'code', 'data', 'del', 'dfn', 'em',
  'font', 'i', 'img', 'ins', 'kbd', 'label', 'mark', 'q', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup',
  'time', 'tt', 'u', 'var', 'wbr'])
const LINE_BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'dt', 'dd', 'address', 'caption'])
const MEDIA = 'img, video, audio, iframe, object, embed, picture'

/** One line of a post as the house format sees it: a paragraph, heading, table row or list item. */
export type HtmlLine = {
  /** What a reader sees: for the hook, the title line and section headings. */
  text: string
  /** The same with link addresses after their text: header values such as `AsianWiki: X (https://…)`. */
  readonly withUrls: string
  /** The inline content, turned into Markdown when the line is body text. */
  nodes: Node[]
  /** `- `, `1. ` or `> ` before the Markdown of list items and quotes. */
  prefix: string
  /** Lines of one list share a group: no blank line between them. */
  group: number
  /** The line's first words as written, to find it again in the XML for issue locations. */
  readonly probe: string
}

let sharedDocument: Document | undefined

/**
 * The DOM document HTML is parsed in. Turndown carries an HTML parser (domino, under Node) and
 * hands its nodes to rule filters, so one conversion lends us its document; fragments are parsed
 * into detached elements of it.
 */
function htmlDocument(): Document {
  if (!sharedDocument) {
    const probe = new TurndownService()
    probe.addRule('lend-document', {
      filter: (node) => {
        sharedDocument ??= node.ownerDocument
        return false
      },
      replacement: () => '',
    })
    probe.turndown('<p>x</p>')
    if (!sharedDocument) throw new Error('turndown did not parse HTML into a DOM document')
  }
  return sharedDocument
}

type FragmentParser = { parse(html: string, end: boolean): void; document(): Document }
type ParserDom = { mozHTMLParser?: (address: string | null, context: Element) => FragmentParser }

/**
 * Parses HTML as the content of a `<div>`. Domino's own parser is used directly where it is there:
 * setting `innerHTML` runs the same parse and then moves every node into the shared document, which
 * took a quarter of the time of the parse.
 */
function parseHtml(html: string): HTMLElement {
  const doc = htmlDocument()
  const root = doc.createElement('div')
  const createParser = (doc.implementation as unknown as ParserDom).mozHTMLParser
  if (!createParser) {
    root.innerHTML = html.replaceAll(LINE_MARK, '')
    return root
  }
  const parser = createParser.call(doc.implementation, null, root)
  parser.parse(html.replaceAll(LINE_MARK, ''), true)
  return parser.document().firstChild as HTMLElement
}

/** Drops the classic editor's media shortcodes (`[caption]…[/caption]`, `[gallery]`, `[embed]…`): images are not review text. */
function stripShortcodes(html: string): string {
  return html
    .replace(/\[(caption|wp_caption|embed|video|audio|playlist)\b[^\]]*\][\s\S]*?\[\/\1\]/g, '')
    .replace(/\[(gallery|video|audio|playlist|embed)\b[^\]]*\/?\]/g, '')
}

/** Plain text of a snippet of HTML (a comment, a caption, a title): tags out, entities decoded. */
function htmlToText(html: string, keepParagraphs: boolean): string {
  if (!html) return ''
  if (!/[<&]/.test(html)) return keepParagraphs ? tidyParagraphs(html) : collapse(html)
  const root = parseHtml(html)
  if (!keepParagraphs) return collapse(textOf(Array.from(root.childNodes), false))
  let out = ''
  const visit = (node: Node) => {
    if (node.nodeType === TEXT) out += node.nodeValue ?? ''
    else if (node.nodeType === ELEMENT) {
      const tag = node.nodeName.toLowerCase()
      if (DROPPED.has(tag)) return
      if (tag === 'br') out += '\n'
      const block = !INLINE.has(tag)
      if (block) out += '\n\n'
      node.childNodes.forEach(visit)
      if (block) out += '\n\n'
    }
  }
  root.childNodes.forEach(visit)
  return tidyParagraphs(out)
}

function tidyParagraphs(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[^\S\n]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

// Whitespace that `collapse` changes: most lines have none, and are then returned as they are.
const UNCOLLAPSED = /[^\S ]| {2}|^ | $/

function collapse(s: string): string {
  return UNCOLLAPSED.test(s) ? s.replace(/\s+/g, ' ').trim() : s
}

/** A link's address, made absolute against the blog's address; null for anything but http(s). */
function resolveHref(href: string | null, base: string | null): string | null {
  const h = href?.trim()
  if (!h || h.startsWith('#')) return null
  try {
    const url = base ? new URL(h, base) : new URL(h)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}

/** The emoji an `<img>` stands for (WordPress swaps emoji for images, e.g. in a copied meter line), or ''. */
function emojiOf(img: Element): string {
  const alt = img.getAttribute('alt')?.trim() ?? ''
  const isEmoji = /\b(emoji|wp-smiley)\b/.test(img.getAttribute('class') ?? '') || /^\p{Extended_Pictographic}/u.test(alt)
  return isEmoji && alt.length <= 32 ? alt : ''
}

const resolveAbsolute = (href: string | null) => resolveHref(href, null)

function textOf(nodes: readonly Node[], withUrls: boolean, resolve: (href: string | null) => string | null = resolveAbsolute): string {
  let out = ''
  for (const node of nodes) {
    if (node.nodeType === TEXT) out += node.nodeValue ?? ''
    else if (node.nodeType === ELEMENT) {
      const tag = node.nodeName.toLowerCase()
      if (DROPPED.has(tag)) continue
      if (tag === 'br') out += ' '
      else if (tag === 'img') out += emojiOf(node as Element)
      else {
        const inner = textOf(Array.from(node.childNodes), withUrls, resolve)
        out += INLINE.has(tag) ? inner : ` ${inner} `
        if (withUrls && tag === 'a') {
          const href = resolve((node as Element).getAttribute('href'))
          if (href && !inner.includes(href)) out += ` (${href})`
        }
      }
    }
  }
  return out
}

function probeOf(nodes: readonly Node[]): string {
  for (const node of nodes) {
    // The first line of the first text, as that is what sits on one line of the HTML.
    if (node.nodeType === TEXT && node.nodeValue?.trim()) return collapse(node.nodeValue.trim().split('\n')[0]!).slice(0, 16)
    if (node.nodeType === ELEMENT && !DROPPED.has(node.nodeName.toLowerCase())) {
      const inner = probeOf(Array.from(node.childNodes))
      if (inner) return inner
    }
  }
  return ''
}

/**
 * Walks a post's HTML into lines: paragraphs and headings (split at `<br>`), table rows as
 * `Label: Value`, list items, quotes. Containers (Gutenberg groups and columns, divs) are walked
 * through; block comments, images and embeds are left out.
 */
class LineCollector {
  readonly lines: HtmlLine[] = []
  private group = 0
  private readonly doc: Document

  constructor(
    root: HTMLElement,
    private readonly resolve: (href: string | null) => string | null,
    /**
     * Classic-editor posts are stored as text with line breaks: WordPress adds `<p>` and `<br>`
     * only on display (wpautop), and not for block-editor posts.
     */
    private readonly newlinesBreak: boolean,
  ) {
    this.doc = root.ownerDocument
    this.walk(root, '')
  }

  // The loops below use no inner named functions: tsx renames each one as it is created, which
  // cost more than the work of a line.
  private walk(container: Node, prefix: string): void {
    let run: Node[] = []
    for (const child of Array.from(container.childNodes)) {
      if (child.nodeType === TEXT) {
        run.push(child)
        continue
      }
      if (child.nodeType === COMMENT) {
        // `<!--more-->` and block delimiters end a run of loose text
        if (run.length) this.addInline(run, prefix)
        run = []
        continue
      }
      if (child.nodeType !== ELEMENT) continue
      const el = child as HTMLElement
      const tag = el.nodeName.toLowerCase()
      if (DROPPED.has(tag)) continue
      if (INLINE.has(tag)) {
        run.push(el)
        continue
      }
      if (run.length) this.addInline(run, prefix)
      run = []
      if (LINE_BLOCKS.has(tag)) this.addInline(Array.from(el.childNodes), prefix)
      else if (tag === 'ul' || tag === 'ol') this.addList(el, prefix, ++this.group)
      else if (tag === 'table') this.addTable(el, prefix)
      else if (tag === 'blockquote') this.walk(el, `${prefix}> `)
      else if (tag === 'pre') {
        for (const line of (el.textContent ?? '').split('\n')) this.addLine([this.doc.createTextNode(line)], prefix)
      } else if (tag === 'figure' && el.querySelector(MEDIA)) {
        // An image with its caption: only a table inside (a Gutenberg table block) is text.
        for (const table of Array.from(el.querySelectorAll('table'))) this.addTable(table, prefix)
      } else if (tag !== 'hr') this.walk(el, prefix)
    }
    if (run.length) this.addInline(run, prefix)
  }

  /** Splits inline content into lines at `<br>` (and at line breaks in classic-editor text). */
  private addInline(nodes: readonly Node[], prefix: string): void {
    let segment: Node[] = []
    for (const node of nodes) {
      if (node.nodeType === ELEMENT && node.nodeName.toLowerCase() === 'br') {
        this.addLine(segment, prefix)
        segment = []
      } else if (this.newlinesBreak && node.nodeType === TEXT && node.nodeValue?.includes('\n')) {
        const pieces = node.nodeValue.split(/\r?\n/)
        for (let k = 0; k < pieces.length; k++) {
          if (k > 0) {
            this.addLine(segment, prefix)
            segment = []
          }
          if (pieces[k]) segment.push(this.doc.createTextNode(pieces[k]!))
        }
      } else segment.push(node)
    }
    this.addLine(segment, prefix)
  }

  /** `probeFrom` names where the line's probe is looked for, in order (by default its own nodes). */
  private addLine(nodes: Node[], prefix: string, group?: number, probeFrom: readonly (readonly Node[])[] = [nodes]): void {
    const text = collapse(textOf(nodes, false, this.resolve))
    if (!text) return
    const resolve = this.resolve
    this.lines.push({
      text,
      // Wanted for link header lines, and for posts with issues: worked out when asked.
      get withUrls() {
        return collapse(textOf(nodes, true, resolve))
      },
      get probe() {
        for (const from of probeFrom) {
          const probe = probeOf(from)
          if (probe) return probe
        }
        return ''
      },
      nodes,
      prefix,
      group: group ?? ++this.group,
    })
  }

  /** List items become `- ` / `1. ` lines; nested lists are flattened (pasted text keeps one level). */
  private addList(list: HTMLElement, prefix: string, group: number): void {
    const ordered = list.nodeName.toLowerCase() === 'ol'
    let n = Number(list.getAttribute('start')) || 1
    for (const li of Array.from(list.children)) {
      if (li.nodeName.toLowerCase() !== 'li') continue
      const isList = (c: Node) => c.nodeType === ELEMENT && /^(ul|ol)$/i.test(c.nodeName)
      const marker = ordered ? `${n++}. ` : '- '
      this.addLine(Array.from(li.childNodes).filter((c) => !isList(c)), prefix + marker, group)
      for (const nested of Array.from(li.childNodes).filter(isList)) this.addList(nested as HTMLElement, prefix, group)
    }
  }

  /** Table rows become `Label: Value` lines (a header table); one-cell rows are plain lines. */
  private addTable(table: Element, prefix: string): void {
    for (const row of Array.from(table.querySelectorAll('tr'))) {
      const cells = Array.from(row.children)
        .filter((c) => /^(td|th)$/i.test(c.nodeName))
        .map((c) => Array.from(c.childNodes))
        .filter((nodes) => collapse(textOf(nodes, false)))
      const [label, ...values] = cells
      if (!label) continue
      if (!values.length) {
        this.addLine(label, prefix)
        continue
      }
      const name = collapse(textOf(label, false)).replace(/\s*[:：]$/u, '')
      const nodes: Node[] = [this.doc.createTextNode(`${name}: `)]
      values.forEach((v, k) => {
        if (k > 0) nodes.push(this.doc.createTextNode(', '))
        for (const n of v) nodes.push(n)
      })
      // Found by the value's words when it has some: that is what an issue about the row is about.
      this.addLine(nodes, prefix, undefined, [values[0]!, label])
    }
  }
}

/**
 * The lines of a post's HTML (see `LineCollector`). Content made only of paragraphs and headings
 * holding plain text, with block-editor comments between them (what most block-editor posts are),
 * is split into the same lines directly; anything else is parsed into a DOM and walked.
 * `direct: false` always takes the DOM (the tests compare the two).
 */
export function htmlLines(html: string, resolve: (href: string | null) => string | null, newlinesBreak: boolean, direct = true): HtmlLine[] {
  const source = html.replaceAll(LINE_MARK, '')
  return (direct ? plainBlockLines(source, newlinesBreak) : null) ?? new LineCollector(parseHtml(source), resolve, newlinesBreak).lines
}

// One block of the direct path: whitespace, then a comment (not `<!-->` or `<!--->`, which a DOM
// ends earlier; one holding `--!>` is sent to the DOM below) or a paragraph or heading of text
// only, its attributes quoted.
const PLAIN_BLOCK = /[\t\n\f\r ]*(?:<!--(?!-?>)([\s\S]*?)-->|<(p|h[1-6])(?:[\t\n\f\r ]+[a-z_:][-a-z0-9_:.]*(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:"[^"]*"|'[^']*'))?)*[\t\n\f\r ]*>([^<]*)<\/\2>)/giy
const TRAILING_SPACE = /[\t\n\f\r ]*$/y
// Characters an HTML parser drops or rewrites in text (NUL, CR, other C0/C1 controls): the DOM decides.
const UNUSUAL_TEXT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/
const LONE_AMPERSAND = /&(?![\t\n\f\r ]|$)/
const CHARACTER_REFERENCE = /&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z]{2,6}));/g
// Named references as common in posts, each with its one meaning; any other sends the post to the DOM.
const NAMED_REFERENCES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', hellip: '\u2026', ndash: '\u2013', mdash: '\u2014',
  lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d', copy: '\u00a9', laquo: '\u00ab', raquo: '\u00bb',
}

/** Text with its character references decoded, or null when one is not plainly one character. */
function decodeReferences(text: string): string | null {
  // An `&` before anything but a space is a reference without its `;`, or with another name.
  if (LONE_AMPERSAND.test(text.replace(CHARACTER_REFERENCE, ''))) return null
  let ok = true
  const decoded = text.replace(CHARACTER_REFERENCE, (_, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) {
      const value = Object.hasOwn(NAMED_REFERENCES, name) ? NAMED_REFERENCES[name]! : null
      if (value === null) ok = false
      return value ?? ''
    }
    const n = hex !== undefined ? parseInt(hex, 16) : Number(dec)
    // Printable ASCII, tab, newline and the code points above C1 but surrogates: the ones a parser
    // takes as themselves (it replaces NUL, CR, controls and surrogates, and maps 0x80–0x9F).
    const plain = n === 9 || n === 10 || (n >= 0x20 && n < 0x7f) || (n >= 0xa0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff))
    if (!plain) ok = false
    return plain ? String.fromCodePoint(n) : ''
  })
  return ok ? decoded : null
}

/** The direct path of `htmlLines`: null when the HTML holds anything but plain paragraphs, headings and comments. */
function plainBlockLines(html: string, newlinesBreak: boolean): HtmlLine[] | null {
  if (!html.includes('<p', 0) && !html.includes('<h', 0) && !html.includes('<P', 0) && !html.includes('<H', 0)) return null
  const doc = htmlDocument()
  const lines: HtmlLine[] = []
  PLAIN_BLOCK.lastIndex = 0
  let at = 0
  for (let m = PLAIN_BLOCK.exec(html); m; m = PLAIN_BLOCK.exec(html)) {
    at = PLAIN_BLOCK.lastIndex
    const raw = m[3]
    if (raw === undefined) {
      if (m[1]!.includes('--!>')) return null
      continue
    }
    if (UNUSUAL_TEXT.test(raw) || (newlinesBreak && raw.includes('\n'))) return null
    const value = raw.includes('&') ? decodeReferences(raw) : raw
    if (value === null) return null
    const text = collapse(value)
    if (!text) continue
    const nodes: Node[] = [doc.createTextNode(value)]
    lines.push({ text, withUrls: text, get probe() { return probeOf(nodes) }, nodes, prefix: '', group: lines.length + 1 })
  }
  TRAILING_SPACE.lastIndex = at
  TRAILING_SPACE.exec(html)
  return TRAILING_SPACE.lastIndex === html.length ? lines : null
}

/**
 * For each line, the 0-based line of the post's HTML it was written on: each line's first words
 * are looked for in the HTML (entities decoded), in order. A line not found takes the line of the
 * one before. Only run when a post has issues.
 */
function locateLines(lines: readonly HtmlLine[], html: string): number[] {
  const raw = html.split('\n').map((l) => (/[<&]/.test(l) ? collapse(textOf(Array.from(parseHtml(l).childNodes), false)) : collapse(l)))
  let cursor = 0
  return lines.map((line) => {
    if (line.probe) {
      const found = raw.findIndex((r, k) => k >= cursor && r.includes(line.probe))
      if (found >= 0) cursor = found
    }
    return cursor
  })
}

/** Turndown set up for review bodies: images out (emoji kept), links absolute and http(s) only, no raw HTML. */
function createTurndown(resolve: (href: string | null) => string | null): TurndownService {
  const td = new TurndownService({ headingStyle: 'atx', bulletListMarker: '-', codeBlockStyle: 'fenced', emDelimiter: '_', strongDelimiter: '**' })
  td.remove((node) => DROPPED.has(node.nodeName.toLowerCase()))
  td.addRule('image', { filter: 'img', replacement: (_content, node) => emojiOf(node as Element) })
  td.addRule('link', {
    filter: 'a',
    replacement: (content, node) => {
      if (!content.trim()) return ''
      const href = resolve((node as Element).getAttribute('href'))
      return href ? `[${content}](${href.replace(/\(/g, '%28').replace(/\)/g, '%29')})` : content
    },
  })
  // Turndown escapes with thirteen replacements in a row; text with none of the characters they
  // look for (most lines of a review) is returned as it is.
  const escape = td.escape.bind(td)
  td.escape = (text: string) => (escapesNothing(text) ? text : escape(text))
  return td
}

// What turndown's escapes match: these characters anywhere, or these starts of a line.
const MARKDOWN_SPECIAL = /[\\*`[\]_]|^[-+=#~>]|^\d+\. /

/** True when turndown's Markdown escaping leaves `text` as it is. */
export function escapesNothing(text: string): boolean {
  return !MARKDOWN_SPECIAL.test(text)
}
