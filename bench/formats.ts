// Generated exports for the import benchmarks: a WordPress WXR file and a Letterboxd ZIP of any
// size, written as a stream so the generator itself stays small in memory.
import { createWriteStream } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { once } from 'node:events'
import yazl from 'yazl'
import { corpusReview } from './corpus.ts'

const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`

/** The house format as WordPress stores it: one paragraph per pasted line, Gutenberg-style. */
function postContent(i: number): string {
  return corpusReview(i)
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('Image:'))
    .map((line) => `<!-- wp:paragraph -->\n<p>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>\n<!-- /wp:paragraph -->`)
    .join('\n\n')
}

const attachmentId = (i: number) => 1_000_000 + i
const imagePath = (i: number) => `2015/01/poster-${i}.jpg`

function item(i: number, image: boolean): string {
  const day = new Date(Date.UTC(2015, 0, 1) + i * 3_600_000 * 7).toISOString().replace('T', ' ').slice(0, 19)
  const title = corpusReview(i).split('\n').find((l) => l.startsWith('AsianWiki: '))!.slice('AsianWiki: '.length)
  const comments = i % 5 === 0
    ? `
		<wp:comment>
			<wp:comment_id>${i * 10 + 1}</wp:comment_id>
			<wp:comment_author>${cdata('Reader ' + (i % 97))}</wp:comment_author>
			<wp:comment_author_email>${cdata(`reader${i % 97}@mail.example`)}</wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_date>${cdata(day)}</wp:comment_date>
			<wp:comment_date_gmt>${cdata(day)}</wp:comment_date_gmt>
			<wp:comment_content>${cdata('Thank you for this one, adding it to my list.')}</wp:comment_content>
			<wp:comment_approved>${cdata('1')}</wp:comment_approved>
			<wp:comment_type>${cdata('comment')}</wp:comment_type>
			<wp:comment_parent>0</wp:comment_parent>
		</wp:comment>`
    : ''
  return `
	<item>
		<title>${cdata(title)}</title>
		<link>https://bench-blog.example/review-${i}/</link>
		<pubDate>Thu, 01 Jan 2015 00:00:00 +0000</pubDate>
		<dc:creator>${cdata('bench')}</dc:creator>
		<guid isPermaLink="false">https://bench-blog.example/?p=${i + 1}</guid>
		<description></description>
		<content:encoded>${cdata(postContent(i))}</content:encoded>
		<excerpt:encoded>${cdata('')}</excerpt:encoded>
		<wp:post_id>${i + 1}</wp:post_id>
		<wp:post_date>${cdata(day)}</wp:post_date>
		<wp:post_date_gmt>${cdata(day)}</wp:post_date_gmt>
		<wp:post_name>${cdata(`review-${i}`)}</wp:post_name>
		<wp:status>${cdata('publish')}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>${cdata('post')}</wp:post_type>
		<wp:post_password>${cdata('')}</wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		<category domain="category" nicename="reviews">${cdata('Reviews')}</category>${comments}${image ? `
		<wp:postmeta>
		<wp:meta_key>${cdata('_thumbnail_id')}</wp:meta_key>
		<wp:meta_value>${cdata(String(attachmentId(i)))}</wp:meta_value>
		</wp:postmeta>` : ''}
	</item>`
}

/** The attachment item of post `i`'s featured image, at `wp-content/uploads/2015/01/poster-I.jpg`. */
function attachment(i: number): string {
  return `
	<item>
		<title>${cdata(`poster-${i}`)}</title>
		<link>https://bench-blog.example/review-${i}/poster-${i}/</link>
		<guid isPermaLink="false">https://bench-blog.example/wp-content/uploads/${imagePath(i)}</guid>
		<content:encoded>${cdata('')}</content:encoded>
		<wp:post_id>${attachmentId(i)}</wp:post_id>
		<wp:post_name>${cdata(`poster-${i}`)}</wp:post_name>
		<wp:status>${cdata('inherit')}</wp:status>
		<wp:post_parent>${i + 1}</wp:post_parent>
		<wp:post_type>${cdata('attachment')}</wp:post_type>
		<wp:attachment_url>${cdata(`https://bench-blog.example/wp-content/uploads/${imagePath(i)}`)}</wp:attachment_url>
		<wp:postmeta>
		<wp:meta_key>${cdata('_wp_attached_file')}</wp:meta_key>
		<wp:meta_value>${cdata(imagePath(i))}</wp:meta_value>
		</wp:postmeta>
	</item>`
}

export type WxrImages = {
  /** Every `every`-th post (the first among them) gets a featured image. */
  every: number
  /** The copy of `wp-content/uploads` the images are written to (`import --uploads DIR`). */
  uploadsDir: string
  /** The JPEG bytes of post `i`'s image. */
  image: (i: number) => Promise<Buffer>
}

/**
 * Writes a WXR export with `posts` house-format posts (every fifth with an approved comment); with
 * `images`, some posts have a featured image, its file written to the uploads folder given.
 */
export async function writeWxr(file: string, posts: number, images?: WxrImages): Promise<void> {
  const out = createWriteStream(file)
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain')
  }
  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Benchmark Blog</title>
	<link>https://bench-blog.example</link>
	<description>Generated for the import benchmark</description>
	<language>en-US</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://bench-blog.example</wp:base_site_url>
	<wp:base_blog_url>https://bench-blog.example</wp:base_blog_url>
`)
  const hasImage = (i: number) => images !== undefined && i % images.every === 0
  for (let i = 0; i < posts; i++) await write(item(i, hasImage(i)))
  for (let i = 0; i < posts; i++) {
    if (!images || !hasImage(i)) continue
    await write(attachment(i))
    const path = join(images.uploadsDir, imagePath(i))
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, await images.image(i))
  }
  await write('\n</channel>\n</rss>\n')
  out.end()
  await once(out, 'close')
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
const csvRow = (fields: (string | number)[]) => fields.map((f) => csvField(String(f))).join(',') + '\n'

/** Writes a Letterboxd export ZIP with `rows` diary rows, a review for every fourth, ratings, watched and a watchlist. */
export async function writeLetterboxdZip(file: string, rows: number): Promise<void> {
  const zip = new yazl.ZipFile()
  const done = once(zip.outputStream.pipe(createWriteStream(file)), 'close')
  const film = (i: number) => {
    const title = corpusReview(i).split('\n').find((l) => l.startsWith('AsianWiki: '))!.slice('AsianWiki: '.length)
    return { name: title, year: 2000 + (i % 25), uri: `https://boxd.it/b${i.toString(36)}` }
  }
  const date = (i: number) => new Date(Date.UTC(2016, 0, 1) + i * 86_400_000 / 3).toISOString().slice(0, 10)
  const stars = (i: number) => ((i % 10) + 1) / 2
  let diary = 'Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n'
  let reviews = 'Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n'
  let ratings = 'Date,Name,Year,Letterboxd URI,Rating\n'
  let watched = 'Date,Name,Year,Letterboxd URI\n'
  for (let i = 0; i < rows; i++) {
    const f = film(i)
    diary += csvRow([date(i), f.name, f.year, f.uri, stars(i), i % 9 === 0 ? 'Yes' : '', i % 3 ? 'weekend' : '', date(i)])
    ratings += csvRow([date(i), f.name, f.year, f.uri, stars(i)])
    watched += csvRow([date(i), f.name, f.year, f.uri])
    if (i % 4 === 0) {
      const text = corpusReview(i).split('\n\n').slice(3, 5).join('\n\n')
      reviews += csvRow([date(i), f.name, f.year, f.uri, stars(i), '', text, '', date(i)])
    }
  }
  let watchlist = 'Date,Name,Year,Letterboxd URI\n'
  for (let i = rows; i < rows + Math.ceil(rows / 10); i++) {
    const f = film(i)
    watchlist += csvRow([date(i), f.name, f.year, f.uri])
  }
  for (const [name, text] of Object.entries({ 'diary.csv': diary, 'reviews.csv': reviews, 'ratings.csv': ratings, 'watched.csv': watched, 'watchlist.csv': watchlist })) {
    zip.addBuffer(Buffer.from(text), name)
  }
  zip.end()
  await done
}
