// A worker thread of the static build. Workers do not inherit the TypeScript loader that the
// command line registered, so each registers it before loading the worker itself.
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) })
await import('./worker.ts')
