import cliProgress from 'cli-progress'

export type Progress = { update(done: number, total: number, detail?: string): void; stop(): void }

/**
 * Shows progress of long work on stderr: a bar on a terminal, a plain line every tenth of the way
 * otherwise (logs and CI stay readable).
 */
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} {detail}`, stream, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    )
    let started = false
    return {
      update(done, total, detail = '') {
        if (!started) {
          bar.start(total, 0, { detail: '' })
          started = true
        }
        bar.setTotal(total)
        bar.update(done, { detail: detail.length > 40 ? `${detail.slice(0, 39)}…` : detail })
      },
      stop: () => started && bar.stop(),
    }
  }
  let lastStep = -1
  return {
    update(done, total) {
      // Every item for short work, every tenth of the way for long work.
      const step = total <= 50 ? done : Math.floor((done / total) * 10)
      if (step === lastStep && done !== total) return
      lastStep = step
      stream.write(`${label}: ${done}/${total}\n`)
    },
    stop() {},
  }
}
