// Every reader of outside input, with the inputs it is fuzzed on and the property it must keep:
// it never throws (nor takes long), and either gives valid documents or located issues (file,
// line inside the input, field, reason). The short campaign (readers.test.ts, in `npm test`) and
// the long one (campaign.ts, `npm run fuzz`) both run this registry.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { InvalidInputError, type InputIssue } from '../../src/domain/errors.ts'
import { ReviewDocument } from '../../src/domain/review.ts'
import { DEFAULT_RUBRIC, DEFAULT_SETTINGS } from '../../src/domain/settings.ts'
import type { ImportItem } from '../../src/formats/import-batch.ts'
import { readJsonReviews } from '../../src/formats/json.ts'
import { LETTERBOXD_ZIP_LIMITS, readLetterboxd } from '../../src/formats/letterboxd.ts'
import { readMarkdownReview } from '../../src/formats/markdown.ts'
import { readPastedText } from '../../src/formats/pasted-text.ts'
import { documentFromForm, emptyForm, formFromBody } from '../../src/formats/review-form.ts'
import { readWxr } from '../../src/formats/wxr.ts'
import { walkZip, ZipError } from '../../src/formats/zip.ts'
import { BackupManifest, readBackupManifest } from '../../src/services/backup.ts'
import { zipBytes } from '../helpers/zip.ts'
import { junk, lineCount, mutatedText, mutateBytes, mutateText, mutations, randomText } from './mutators.ts'
import { fixtureFiles, validFormBody, validJson, validLetterboxd, validMarkdown, validPasted, validWxr } from './seeds.ts'

/** One reader under fuzzing. */
export type FuzzTarget<T = any> = {
  name: string
  /** Random inputs and mutated valid ones. */
  inputs: fc.Arbitrary<T>
  /** Reads one input; throws a `PropertyFailure` (or whatever the reader threw) when the property fails. */
  check(input: T): Promise<void>
  /** Longest one input may take to read, in milliseconds. */
  timeLimitMs: number
}

/** A broken promise of a reader: what was expected and what came. */
export class PropertyFailure extends Error {
  override name = 'PropertyFailure'
}

function fail(message: string): never {
  throw new PropertyFailure(message)
}

/** A document a reader returned must be valid as it stands: parsing it again changes nothing. */
export function checkDocument(doc: unknown, where: string): void {
  const again = ReviewDocument.safeParse(doc)
  if (!again.success) fail(`${where}: returned a document that does not validate: ${again.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  if (!isDeepStrictEqual(again.data, doc)) fail(`${where}: returned a document that changes when validated again`)
}

/** An issue must say where (file, a line inside the input) and what (field, reason). */
export function checkIssue(issue: InputIssue, file: string | ((f: string) => boolean), lines: number | null, where: string): void {
  const show = JSON.stringify(issue)
  const fileOk = typeof file === 'string' ? issue.file === file : typeof issue.file === 'string' && file(issue.file)
  if (!fileOk) fail(`${where}: issue names the wrong file: ${show}`)
  if (!Number.isInteger(issue.line) || issue.line < 1) fail(`${where}: issue has no line: ${show}`)
  if (lines !== null && issue.line > lines) fail(`${where}: issue points past the last line (${lines}): ${show}`)
  if (typeof issue.field !== 'string' || !issue.field.trim()) fail(`${where}: issue names no field: ${show}`)
  if (typeof issue.message !== 'string' || !issue.message.trim()) fail(`${where}: issue gives no reason: ${show}`)
}

function checkResult(r: { ok: true; value: unknown } | { ok: false; issues: InputIssue[] }, file: string, text: string): void {
  if (r.ok) {
    for (const doc of Array.isArray(r.value) ? r.value : [r.value]) checkDocument(doc, file)
    return
  }
  if (r.issues.length === 0) fail(`${file}: refused with no issue`)
  const lines = lineCount(text)
  for (const issue of r.issues) checkIssue(issue, file, lines, file)
}

/** Text inputs: random text, and valid text of the format with mutations. */
const textInputs = (valid: fc.Arbitrary<string>) => fc.oneof({ weight: 1, arbitrary: randomText }, { weight: 3, arbitrary: mutatedText(valid) })

// ---------------------------------------------------------------------------------------------
// Streaming readers: the items they yield

type Located = { lines: Map<string, number>; file: (f: string) => boolean }

function checkItems(items: readonly ImportItem[], at: Located, where: string): void {
  const lineOf = (file: string) => at.lines.get(file) ?? null
  for (const item of items) {
    switch (item.kind) {
      case 'review':
        checkDocument(item.review.doc, where)
        checkIssue({ ...item.review.at, field: 'review', message: 'at' }, at.file, lineOf(item.review.at.file), `${where} (review)`)
        for (const c of item.review.comments) checkIssue({ ...c.at, field: 'comment', message: 'at' }, at.file, lineOf(c.at.file), `${where} (comment)`)
        break
      case 'diary': {
        const e = item.entry
        checkIssue({ ...e.at, field: 'diary', message: 'at' }, at.file, lineOf(e.at.file), `${where} (diary)`)
        if (!e.title.trim()) fail(`${where}: diary entry without a title: ${JSON.stringify(e)}`)
        if (e.finishedOn !== null && !/^\d{4}-\d{2}-\d{2}$/.test(e.finishedOn)) fail(`${where}: diary entry with a bad date: ${JSON.stringify(e)}`)
        if (e.meter && !(Number.isInteger(e.meter.value) && e.meter.value >= 0 && e.meter.value <= e.meter.max)) fail(`${where}: diary entry with a bad meter: ${JSON.stringify(e)}`)
        break
      }
      case 'skipped':
        checkIssue({ ...item.item.at, field: 'skipped', message: item.item.reason }, at.file, lineOf(item.item.at.file), `${where} (skipped)`)
        break
      case 'issue':
        checkIssue(item.issue, at.file, lineOf(item.issue.file ?? ''), where)
        break
      case 'warning':
        if (!item.message.trim()) fail(`${where}: empty warning`)
        break
      case 'progress':
        if (!(item.done >= 0 && item.total >= 0)) fail(`${where}: progress out of range: ${JSON.stringify(item)}`)
        break
      case 'list': {
        const l = item.list
        checkIssue({ ...l.at, field: 'list', message: 'at' }, at.file, lineOf(l.at.file), `${where} (list)`)
        if (!l.doc.title.trim()) fail(`${where}: list without a title: ${JSON.stringify(l.doc)}`)
        break
      }
      case 'self-contained':
        break
      default:
        fail(`${where}: unknown item ${JSON.stringify(item)}`)
    }
  }
}

async function collect(reader: AsyncIterable<ImportItem>): Promise<ImportItem[]> {
  const out: ImportItem[] = []
  for await (const item of reader) out.push(item)
  return out
}

/** Bytes cut into chunks at the given points: what a file stream hands a streaming reader. */
function chunked(data: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b)
  const out: Buffer[] = []
  let from = 0
  for (const p of [...points, data.length]) {
    if (p > from) out.push(data.subarray(from, p))
    from = Math.max(from, p)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// ZIP archives

/** The lines of each text entry of an archive, by the name readers give it (`archive:entry`), when it can be read. */
async function entryLines(file: string, label: string): Promise<Map<string, number>> {
  const lines = new Map<string, number>([[label, 1]])
  try {
    // Entry by entry, so the entries read before a damaged one keep their counts: readers that
    // stop early (the backup manifest is the first entry) report lines of those.
    await walkZip(
      file,
      async (e) => void lines.set(`${label}:${e.name}`, lineCount((await e.read()).toString('utf8').replace(/^\uFEFF/, ''))),
      { ...LETTERBOXD_ZIP_LIMITS, maxEntries: Number.MAX_SAFE_INTEGER },
    )
  } catch (err) {
    if (!(err instanceof ZipError)) throw err
  }
  return lines
}

/** Every way an archive is read: walked whole, as a Letterboxd export, as a backup. */
async function checkArchive(file: string, label: string): Promise<void> {
  const isEntryOf = (f: string) => f === label || f === file || f.startsWith(`${label}:`) || f.startsWith(`${file}:`)
  try {
    await walkZip(file, async (e) => void (await e.read()))
  } catch (err) {
    if (!(err instanceof ZipError)) throw err
    for (const issue of err.issues) checkIssue(issue, isEntryOf, 1, `${label} (walkZip)`)
  }
  const lines = await entryLines(file, label)
  checkItems(await collect(readLetterboxd(file, label, DEFAULT_SETTINGS)), { lines, file: isEntryOf }, `${label} (Letterboxd)`)
  try {
    const manifest = await readBackupManifest(file)
    if (!BackupManifest.safeParse(manifest).success) fail(`${label}: readBackupManifest returned a manifest that does not validate`)
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err
    if (err.issues.length === 0) fail(`${label} (backup): refused with no issue`)
    // The manifest's lines are its own: bounded by the manifest's text.
    for (const issue of err.issues) checkIssue(issue, isEntryOf, lines.get(`${file}:dramalog-backup.json`) ?? 1, `${label} (backup)`)
  }
}

// ---------------------------------------------------------------------------------------------
// The review form

const FORM_FIELDS = new Set([...Object.keys(emptyForm(DEFAULT_SETTINGS)), ...Object.keys(ReviewDocument.shape)])

/** Form bodies: generated forms with values damaged, fields dropped or added, and wholly random bodies. */
const formInputs: fc.Arbitrary<Record<string, string | string[]>> = fc.oneof(
  fc.tuple(validFormBody, fc.array(fc.tuple(fc.nat(), mutations), { maxLength: 6 }), fc.array(fc.tuple(fc.oneof(fc.constantFrom('sections.0.score', 'sections.999.aspect', 'links.3.url', 'year', 'meter', 'publishAt', 'status', '__proto__', 'constructor'), fc.string()), junk), { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 3 }))
    .map(([body, edits, extra, drops]) => {
      const out: Record<string, string | string[]> = { ...body }
      const keys = Object.keys(out)
      for (const [k, list] of edits) {
        const key = keys[k % keys.length]!
        out[key] = mutateText(String(out[key]), list)
      }
      for (const k of drops) delete out[keys[k % keys.length]!]
      for (const [key, value] of extra) out[key] = value
      return out
    }),
  fc.dictionary(fc.oneof(fc.constantFrom(...FORM_FIELDS), fc.string()), fc.oneof(junk, fc.array(junk, { maxLength: 3 })), { maxKeys: 12 }),
)

function checkForm(body: Record<string, string | string[]>): void {
  const r = documentFromForm(formFromBody(body), DEFAULT_SETTINGS)
  if (r.ok) return checkDocument(r.doc, 'review form')
  const entries = Object.entries(r.errors)
  if (entries.length === 0) fail('review form: refused with no field error')
  for (const [field, message] of entries) {
    if (!FORM_FIELDS.has(field.split('.')[0]!)) fail(`review form: error names no field of the form: ${field}: ${message}`)
    if (typeof message !== 'string' || !message.trim()) fail(`review form: error on ${field} gives no reason`)
  }
}

// ---------------------------------------------------------------------------------------------

/** Makes the registry; archives are written under `workDir`. */
export async function createTargets(workDir: string): Promise<FuzzTarget[]> {
  mkdirSync(workDir, { recursive: true })
  const letterboxdFixture = fixtureFiles('letterboxd')
  const archiveSeeds = [
    await zipBytes(letterboxdFixture),
    await zipBytes(Object.entries(letterboxdFixture).map(([name, data]) => ({ name: `export/${name}`, data, compress: false }))),
    await zipBytes([{ name: 'dramalog-backup.json', data: JSON.stringify({ format: 'dramalog-backup', version: 1, createdAt: '2026-01-01T00:00:00Z', schema: '0001', tables: { review: 1 }, media: { count: 0, bytes: 0 } }, null, 2), compress: false }, { name: 'tables/review.jsonl', data: '{"id":1}\n' }]),
  ]
  let n = 0
  const archivePath = (kind: string) => join(workDir, `${kind}-${process.pid}-${n++ % 4}.zip`)

  return [
    {
      name: 'pasted-text',
      inputs: textInputs(validPasted),
      timeLimitMs: 5000,
      async check(text: string) {
        checkResult(readPastedText(text, DEFAULT_SETTINGS, 'fuzz.txt'), 'fuzz.txt', text)
      },
    },
    {
      name: 'markdown',
      inputs: textInputs(validMarkdown),
      timeLimitMs: 5000,
      async check(text: string) {
        checkResult(readMarkdownReview(text, DEFAULT_RUBRIC, 'fuzz.md'), 'fuzz.md', text)
      },
    },
    {
      name: 'json',
      inputs: textInputs(validJson),
      timeLimitMs: 5000,
      async check(text: string) {
        checkResult(readJsonReviews(text, 'fuzz.json'), 'fuzz.json', text)
      },
    },
    {
      name: 'wxr',
      inputs: fc.tuple(
        fc.oneof({ weight: 1, arbitrary: randomText.map((t) => Buffer.from(t, 'utf8')) }, { weight: 4, arbitrary: fc.tuple(validWxr, mutations).map(([xml, list]) => mutateBytes(Buffer.from(xml, 'utf8'), list)) }),
        fc.array(fc.nat(), { maxLength: 4 }),
      ),
      timeLimitMs: 10_000,
      async check([bytes, cuts]: [Buffer, number[]]) {
        const chunks = chunked(bytes, cuts)
        const items = await collect(readWxr(async function* () { yield* chunks }, 'fuzz.xml', DEFAULT_SETTINGS))
        checkItems(items, { lines: new Map([['fuzz.xml', lineCount(bytes.toString('utf8'))]]), file: (f) => f === 'fuzz.xml' }, 'fuzz.xml')
      },
    },
    {
      name: 'letterboxd-csv',
      inputs: fc.tuple(validLetterboxd, fc.array(fc.tuple(fc.nat(), mutations), { minLength: 1, maxLength: 3 }), fc.boolean()).map(([files, edits, compress]) => {
        const out = { ...files }
        const names = Object.keys(out)
        for (const [k, list] of edits) {
          const name = names[k % names.length]!
          out[name] = mutateText(out[name]!, list)
        }
        return { files: out, compress }
      }),
      timeLimitMs: 10_000,
      async check({ files, compress }: { files: Record<string, string>; compress: boolean }) {
        const file = archivePath('letterboxd')
        writeFileSync(file, await zipBytes(Object.entries(files).map(([name, data]) => ({ name, data, compress }))))
        const lines = new Map(Object.entries(files).map(([name, text]) => [`export.zip:${name}`, lineCount(text.replace(/^\uFEFF/, ''))]))
        lines.set('export.zip', 1)
        const items = await collect(readLetterboxd(file, 'export.zip', DEFAULT_SETTINGS))
        checkItems(items, { lines, file: (f) => f === 'export.zip' || f.startsWith('export.zip:') }, 'export.zip')
      },
    },
    {
      name: 'zip',
      inputs: fc.oneof(
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)) },
        { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...archiveSeeds), mutations).map(([zip, list]) => mutateBytes(zip, list)) },
      ),
      timeLimitMs: 10_000,
      async check(bytes: Buffer) {
        const file = archivePath('archive')
        writeFileSync(file, bytes)
        await checkArchive(file, file)
      },
    },
    {
      name: 'review-form',
      inputs: formInputs,
      timeLimitMs: 5000,
      async check(body: Record<string, string | string[]>) {
        checkForm(body)
      },
    },
  ]
}

/** Runs a target's check under its time limit: a slow input fails like a crash does. */
export async function runBounded<T>(target: FuzzTarget<T>, input: T): Promise<void> {
  const started = performance.now()
  await target.check(input)
  const took = performance.now() - started
  if (took > target.timeLimitMs) fail(`${target.name}: one input took ${Math.round(took)} ms, more than the ${target.timeLimitMs} ms allowed`)
}
