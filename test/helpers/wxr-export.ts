// A WordPress export for tests of large imports: the old-blog fixture's items, then generated
// house-format posts.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The fixture blog's export: posts in each layout, pages, attachments, comments, drafts. */
export const WXR_FIXTURE = join(import.meta.dirname, '../fixtures/wxr/old-blog.xml')

const FILLER = 'The ferry was late again, and nobody on the pier seemed to mind much at all. '.repeat(12)

/** A house-format post of the generated part of the export; `bad` gives it a country that does not exist. */
function generatedPost(n: number, bad: boolean): string {
  const lines = [
    `Year: ${2010 + (n % 15)}`,
    `Origin: ${bad ? 'Atlantis' : ['Japan', 'South Korea', 'Taiwan'][n % 3]}`,
    `Facepalm Meter: ${'🤦'.repeat(n % 6)}`,
    `Cast: Actor ${n % 40}, Actress ${n % 55}`,
    `Is number ${n} worth the wait?`,
    `Harbour Lights ${n} – A Quiet Crossing`,
    FILLER,
    'Story / Writing – Slow Tides',
    `<em>Patient</em> writing. ${FILLER}`,
    'Acting – Steady Hands',
    FILLER,
  ]
  const content = lines.map((l) => `<!-- wp:paragraph -->\n<p>${l}</p>\n<!-- /wp:paragraph -->`).join('\n\n')
  return `
	<item>
		<title><![CDATA[Harbour Lights ${n}]]></title>
		<link>https://old-blog.example/harbour-lights-${n}/</link>
		<dc:creator><![CDATA[mina]]></dc:creator>
		<guid isPermaLink="false">https://old-blog.example/?p=${10_000 + n}</guid>
		<content:encoded><![CDATA[${content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>${10_000 + n}</wp:post_id>
		<wp:post_date_gmt><![CDATA[2022-03-04 05:06:07]]></wp:post_date_gmt>
		<wp:status><![CDATA[${n % 7 ? 'publish' : 'draft'}]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<category domain="post_tag" nicename="ferries"><![CDATA[ferries]]></category>
	</item>`
}

/** A WordPress export: the fixture blog's items (their featured images left out, so nothing is fetched), then generated posts. */
export function writeExport(file: string, posts: number, bad: readonly number[] = []): string {
  const fixture = readFileSync(WXR_FIXTURE, 'utf8').replaceAll('_thumbnail_id', '_former_thumbnail_id')
  const end = fixture.lastIndexOf('</channel>')
  const generated = Array.from({ length: posts }, (_, k) => generatedPost(k + 1, bad.includes(k + 1))).join('')
  writeFileSync(file, fixture.slice(0, end) + generated + '\n' + fixture.slice(end))
  return file
}

