// Preloaded into the soaked server (`--require`): on SIGUSR2 it runs a full garbage collection and
// writes the process's memory (process.memoryUsage()) as JSON into DRAMALOG_SOAK_PROBE_DIR. After
// a full collection the heap in use is the live data alone, so its trend is the one a leak shows.
'use strict'
const { renameSync, writeFileSync } = require('node:fs')
const { join } = require('node:path')
const v8 = require('node:v8')
const vm = require('node:vm')

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')
const dir = process.env.DRAMALOG_SOAK_PROBE_DIR
if (!dir) throw new Error('memory-probe: DRAMALOG_SOAK_PROBE_DIR is not set')

process.on('SIGUSR2', () => {
  gc()
  const file = join(dir, `memory-${process.hrtime.bigint()}.json`)
  writeFileSync(`${file}.tmp`, JSON.stringify(process.memoryUsage()))
  renameSync(`${file}.tmp`, file)
})
