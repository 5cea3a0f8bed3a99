// Loads Dramalog's TypeScript sources. esbuild bundles them into one cached program under
// node_modules/.cache/dramalog/, made again whenever a source file changes: it starts several times
// faster than compiling each module as it is imported. Where no bundle can be made (a read-only
// install, DRAMALOG_NO_BUNDLE=1), tsx compiles the sources as they load instead.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SRC = join(ROOT, 'src')
const CACHE = join(ROOT, 'node_modules', '.cache', 'dramalog')
/** The programs a bundle holds: the command line, a static build's render thread and an import's reader thread. */
const ENTRIES = { cli: 'src/cli/main.ts', worker: 'src/build/worker.ts', 'import-thread': 'src/services/import-thread.ts' }
/** Bump when the way bundles are made changes. */
const FORMAT = 1
/** Bundles of older sources are removed once this old, so a running server never loses its own. */
const KEEP_MS = 24 * 3600 * 1000

/** A key of the sources below `root` as they are now: every file's path, size and modification time. */
export function sourceKey(root = SRC) {
  const h = createHash('sha1').update(`${FORMAT} ${process.version}\n`)
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, e.name)
      if (e.isDirectory()) walk(path)
      else if (!e.name.includes('.test.')) {
        const st = statSync(path)
        h.update(`${relative(root, path)} ${st.size} ${st.mtimeMs}\n`)
      }
    }
  }
  walk(root)
  return h.digest('hex').slice(0, 20)
}

/** Writes the bundle of the current sources into `dir` (whole, or not at all). */
async function bundle(dir) {
  const { build } = await import('esbuild')
  const temp = `${dir}.tmp-${process.pid}`
  rmSync(temp, { recursive: true, force: true })
  await build({
    entryPoints: ENTRIES,
    outdir: temp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    tsconfig: join(ROOT, 'tsconfig.json'),
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'silent',
    plugins: [
      {
        // Modules find files beside them (styles, the demo, the worker's entry) from their own
        // address: each keeps the address of its source file rather than the bundle's.
        name: 'source-addresses',
        setup(b) {
          b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
            const { readFile } = await import('node:fs/promises')
            const text = await readFile(args.path, 'utf8')
            return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' }
          })
        },
      },
    ],
  })
  try {
    renameSync(temp, dir)
  } catch (err) {
    // Another process made the same bundle first: theirs is as good.
    rmSync(temp, { recursive: true, force: true })
    if (!existsSync(dir)) throw err
  }
  for (const old of readdirSync(CACHE)) {
    const path = join(CACHE, old)
    if (path !== dir && Date.now() - statSync(path).mtimeMs > KEEP_MS) rmSync(path, { recursive: true, force: true })
  }
}

/** The folder of the bundle of the sources as they are now. */
export const bundleDir = () => join(CACHE, sourceKey())

/** The address of an entry's bundled module, making the bundle when `make` allows; null when there is none. */
async function bundled(name, make) {
  if (process.env.DRAMALOG_NO_BUNDLE === '1') return null
  try {
    const dir = bundleDir()
    if (!existsSync(join(dir, `${name}.js`))) {
      if (!make) return null
      mkdirSync(CACHE, { recursive: true })
      await bundle(dir)
    }
    return pathToFileURL(join(dir, `${name}.js`)).href
  } catch {
    return null
  }
}

/**
 * Imports one of Dramalog's programs (`cli`, `worker` or `import-thread`), bundled when it can be; `make: false`
 * uses a bundle only if one of the current sources is there already.
 */
export async function loadProgram(name, { make = true } = {}) {
  const url = await bundled(name, make)
  if (url) {
    // Errors then point into the TypeScript sources, through the bundle's source map.
    process.setSourceMapsEnabled(true)
    return import(url)
  }
  const { register } = await import('tsx/esm/api')
  register({ tsconfig: join(ROOT, 'tsconfig.json') })
  return import(pathToFileURL(join(ROOT, ENTRIES[name])).href)
}
