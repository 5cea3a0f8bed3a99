// Run by the benchmark in its own process, so its peak memory is the import's alone:
// imports the given file into a fresh site in DATA_DIR and prints what it took as JSON.
// THREADS, when given, sets the import's reader threads (0: the main thread only).
import { importFiles } from '../src/services/import-files.ts'
import { openSite } from '../src/services/site.ts'

const [dataDir, file, threads] = process.argv.slice(2)
if (!dataDir || !file) throw new Error('usage: import-child.ts DATA_DIR FILE [THREADS]')
const site = await openSite({ dataDir, databaseUrl: null })
const start = performance.now()
const result = await importFiles(site, [file], threads === undefined ? {} : { threads: Number(threads) })
const seconds = (performance.now() - start) / 1000
await site.close()
const records = result.created.length + result.updated.length + result.diary.created + result.diary.updated
process.stdout.write(JSON.stringify({ records, reviews: result.created.length, diary: result.diary.created, comments: result.comments.created, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n')
