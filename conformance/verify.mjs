// Replays the committed goldens through posthog-node using nothing but the golden files: each
// header's document, "now" and evaluation contexts, and each case's input mapped exactly as the Go
// side maps it. Every expectation must come back identical. This checks that the files carry
// everything a reader needs, and that a golden was not produced by some state the files omit.
//
//   cd conformance && npm ci && npm run verify
process.env.TZ = 'UTC'

import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { RealDate, fail, pinClock, asCase, loadReference, isFiltered, startClient, evaluateCase, evaluateVector, withQuietConsole } from './lib/reference.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const DIR = path.resolve(HERE, '..', 'testdata', 'conformance')

// Key-sorted JSON, for comparing values whose key order carries no meaning.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

function readLines(file) {
  return zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').filter((line) => line !== '')
}

const { PostHog, core } = await loadReference()
const started = RealDate.now()
let mismatches = 0
let checked = 0
const report = (what) => {
  mismatches++
  if (mismatches <= 20) process.stderr.write(`MISMATCH ${what}\n`)
}

const files = fs.readdirSync(DIR).filter((name) => /^seed-\d+\.jsonl\.gz$/.test(name)).sort()
if (files.length === 0) fail(`no goldens in ${DIR}`)
for (const name of files) {
  const lines = readLines(path.join(DIR, name))
  const header = JSON.parse(lines[0])
  if (header.kind !== 'header') fail(`${name}: first line is not a header`)
  pinClock(RealDate.parse(header.now))
  const docText = JSON.stringify(header.definitions)
  const sink = []
  const { client } = await startClient(PostHog, docText, { seed: header.seed, evaluationContexts: header.evaluation_contexts }, sink)
  const keys = new Set(header.definitions.flags.map((flag) => flag.key))
  const filtered = new Set(header.definitions.flags.filter((flag) => isFiltered(flag, header.evaluation_contexts)).map((flag) => flag.key))
  for (const line of lines.slice(1)) {
    const c = JSON.parse(line)
    if (c.kind !== 'case') fail(`${name}: unexpected line kind ${c.kind}`)
    const { result, lenient } = await asCase(() => evaluateCase(client, c.input))
    if (lenient.length > 0) report(`${c.id}: a lenient date string reached the reference: ${lenient.join(' | ')}`)
    let got = result
    if (c.input.flag !== undefined) {
      const { threw, ...rest } = result
      got = { ...rest, defined: keys.has(c.input.flag), filtered: filtered.has(c.input.flag) }
      if (threw !== undefined) got.threw = threw
    }
    if (canonical(got) !== canonical(c.expect)) report(`${c.id}: golden ${canonical(c.expect)} but the reference gives ${canonical(got)}`)
    checked++
  }
  await withQuietConsole(() => client.shutdown(), sink)
  pinClock(null)
  process.stdout.write(`${name}: ${lines.length - 1} cases\n`)
}

const vectors = readLines(path.join(DIR, 'operators.jsonl.gz'))
for (const line of vectors) {
  const v = JSON.parse(line)
  pinClock(RealDate.parse(v.now))
  const { result, lenient } = await asCase(() => evaluateVector(core, v.property, v.properties, v.pmv))
  if (lenient.length > 0) report(`operator vector ${line}: lenient date`)
  if (result !== v.expect) report(`operator vector ${line}: reference gives ${result}`)
  checked++
}
pinClock(null)
process.stdout.write(`operators.jsonl.gz: ${vectors.length} vectors\n`)
process.stdout.write(`${checked - mismatches} passed, ${mismatches} failed\n`)
process.stdout.write(`verify time: ${((RealDate.now() - started) / 1000).toFixed(1)}s\n`)
process.exit(mismatches === 0 ? 0 : 1)
