// A reader thread of an import. It loads the program the way the command line did: the bundle
// of the current sources when there is one, else the sources through tsx.
import { loadProgram } from '../../bin/program.mjs'

await loadProgram('import-thread', { make: false })
