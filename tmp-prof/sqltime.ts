import Database from 'better-sqlite3'
const times = new Map<string, [number, number]>()
const orig = (Database as any).prototype.prepare
;(Database as any).prototype.prepare = function (src: string) {
  const st = orig.call(this, src)
  for (const m of ['run', 'all', 'get', 'iterate', 'raw']) {
    const f = st[m]
    if (typeof f !== 'function' || m === 'raw') continue
    st[m] = function (...a: unknown[]) {
      const t = performance.now()
      try { return f.apply(st, a) } finally {
        const k = src.replace(/\s+/g, ' ').slice(0, 140)
        const e = times.get(k) ?? [0, 0]; e[0] += performance.now() - t; e[1]++; times.set(k, e)
      }
    }
  }
  return st
}
process.on('exit', () => { for (const [k, [t, n]] of [...times].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25)) console.error(t.toFixed(0).padStart(6), String(n).padStart(6), k) })
