// Generates the conformance goldens in testdata/conformance/ by running posthog-node's local
// evaluation offline over seeded random flag documents and contexts. See README.md.
//
//   cd conformance && npm ci && npm run generate
//
// The npm script runs node with TZ=UTC; this repeats it first thing in the module body. (The static
// imports below are evaluated earlier, but none of them touches dates while loading, and
// posthog-node itself is imported dynamically once the pinned clock is in place.)
process.env.TZ = 'UTC'

import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import crypto from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Rng } from './lib/prng.mjs'
import { stringify, sortKeys, allowLoneSurrogates } from './lib/json.mjs'
import { parseStrictDate, grammarSamples } from './lib/strictdate.mjs'
import { DocGen } from './lib/docgen.mjs'
import { CaseGen } from './lib/casegen.mjs'
import { PERSON_KEYS, KNOWN_OPERATORS, UNKNOWN_OPERATORS, DATE_LENIENT } from './lib/pools.mjs'
import {
  RealDate,
  fail,
  installClock,
  pinClock,
  asCase,
  loadReference,
  isFiltered,
  startClient,
  evaluateCase,
  evaluateVector,
  withQuietConsole,
} from './lib/reference.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const OUT_DIR = path.resolve(HERE, '..', 'testdata', 'conformance')

// ---- seeds -----------------------------------------------------------------------------------
// Each seed fixes its document, its cases and the instant that the reference sees as "now".
// To add a seed, append a row (see README.md). Rows must never be edited once committed unless
// the goldens are regenerated on purpose.
//   groupMapping: index into GROUP_MAPPINGS in lib/docgen.mjs
//   evaluationContexts: posthog-node's evaluationContexts option (null: not set)
//   propertyMatchingVersion: top-level property_matching_version of the document (undefined: absent)
export const SEEDS = [
  { seed: 1, now: '2025-06-15T12:00:00.000Z', evaluationContexts: null, propertyMatchingVersion: undefined, groupMapping: 0 },
  { seed: 2, now: '2024-02-29T10:00:00.000Z', evaluationContexts: ['web', 'api'], propertyMatchingVersion: 2, groupMapping: 1 },
  { seed: 3, now: '2025-03-31T23:30:00.000Z', evaluationContexts: null, propertyMatchingVersion: undefined, groupMapping: 2 },
  { seed: 4, now: '2025-01-31T00:00:00.000Z', evaluationContexts: null, propertyMatchingVersion: 2, groupMapping: 3 },
  { seed: 5, now: '2024-03-31T12:00:00.000Z', evaluationContexts: ['mobile'], propertyMatchingVersion: undefined, groupMapping: 0 },
  { seed: 6, now: '2024-12-31T23:59:59.999Z', evaluationContexts: null, propertyMatchingVersion: undefined, groupMapping: 1 },
  { seed: 7, now: '2028-02-29T00:00:00.000Z', evaluationContexts: ['api', 'server', 'web'], propertyMatchingVersion: 2, groupMapping: 2 },
  { seed: 8, now: '2023-05-31T08:15:00.000Z', evaluationContexts: null, propertyMatchingVersion: undefined, groupMapping: 3 },
  { seed: 9, now: '2026-08-31T18:45:30.500Z', evaluationContexts: [], propertyMatchingVersion: 2, groupMapping: 0 },
  { seed: 10, now: '2025-12-31T00:00:00.000Z', evaluationContexts: null, propertyMatchingVersion: undefined, groupMapping: 2 },
  // loneSurrogates: strings cut inside surrogate pairs, in filter values and contexts (see cutStrings)
  { seed: 11, now: '2025-09-01T09:00:00.000Z', evaluationContexts: null, propertyMatchingVersion: undefined, groupMapping: 1, loneSurrogates: true },
]

// ---- unpaired surrogates -------------------------------------------------------------------
// JavaScript strings are UTF-16: cut inside a pair, "😀" leaves a lone "\ud83d", which still
// prefixes "😀". The seeds with loneSurrogates put such strings into filter values and contexts,
// beside whole emoji for them to meet. The Go library leaves every comparison of an unpaired
// surrogate inconclusive (docs/semantics.md §4.7), which the Go replay accepts for these seeds only.
const EMOJI = '😀'
const CUT = ['emoji ' + EMOJI.slice(0, 1), EMOJI.slice(1) + ' tail', 'a' + EMOJI.slice(0, 1), EMOJI.slice(1), 'x' + EMOJI.slice(0, 1) + 'y']
const WHOLE = ['emoji ' + EMOJI, EMOJI + ' tail', 'a' + EMOJI + 'b', EMOJI, 'x' + EMOJI + 'y']
const CUT_OPERATORS = new Set(['exact', 'is_not', 'icontains', 'not_icontains', 'regex', 'not_regex', 'gt', 'gte', 'lt', 'lte', 'semver_eq', 'is_date_before'])

// cutDocument gives some string filters a cut string as their value (or a list item).
function cutDocument(doc, r) {
  const cut = (filter) => {
    if (!CUT_OPERATORS.has(filter.operator) || !r.chance(0.45)) return
    if (Array.isArray(filter.value) && filter.value.length > 0) {
      filter.value[r.int(0, filter.value.length - 1)] = r.pick(CUT)
    } else {
      filter.value = r.chance(0.7) ? r.pick(CUT) : r.pick(WHOLE)
    }
  }
  const visitGroup = (group) => {
    for (const value of group?.values ?? []) {
      if (value && 'values' in value) visitGroup(value)
      else if (value?.type === 'person' || value?.type === 'group') cut(value)
    }
  }
  for (const flag of doc.flags) for (const cond of flag.filters?.groups ?? []) for (const prop of cond.properties ?? []) if (prop?.type !== 'cohort' && prop?.type !== 'flag') cut(prop)
  for (const cohort of Object.values(doc.cohorts)) visitGroup(cohort)
}

// cutContext replaces some string property values of a case with cut or whole emoji strings.
function cutContext(input, r) {
  const cut = (props) => {
    for (const key of Object.keys(props ?? {})) {
      if (typeof props[key] === 'string' && r.chance(0.35)) props[key] = r.chance(0.6) ? r.pick(CUT) : r.pick(WHOLE)
    }
  }
  cut(input.person_properties)
  for (const props of Object.values(input.group_properties ?? {})) cut(props)
}

const OPERATOR_VECTORS_PER_SEED = 500

process.on('unhandledRejection', (err) => fail(`unhandled rejection: ${err?.stack ?? err}`))

// The pinned clock goes in before posthog-node is imported.
installClock()

// Self-test of the grammar against V8 before anything depends on it: fixed strings, then a
// deterministic fuzz of strings in and near the grammar. Every strict one must give V8's value
// (the pinned Date constructor aborts the run on any disagreement).
for (const text of ['2025', '2025-06', '2024-02-29', '2025-06-15T24:00', '+275760-09-13', '-271821-04-20', '2025-06-15t12:00:00.123456z', '2025-06-15 12:00+05:30', '0100-01-01 00:00']) {
  if (parseStrictDate(text) === null) fail(`strict grammar rejects ${text}`)
  new Date(text)
}
for (const text of ['2025-02-30', 'June 1, 2025', '2025-06-15Z', '+275760-09-14', '-000000-01-01', '0091-08-13 17:31', '2025-06-15T24:00:01']) {
  if (parseStrictDate(text) !== null) fail(`strict grammar accepts ${text}`)
}
{
  let strict = 0
  for (const text of grammarSamples(new Rng('strict-date-self-test'), 30000)) {
    if (parseStrictDate(text) !== null) strict++
    new Date(text)
  }
  if (strict < 5000) fail(`the grammar self-test produced only ${strict} strict strings`)
}

const { PostHog, core, versions } = await loadReference()
const nodeSdkVersion = versions.node
const coreVersion = versions.core

// ---- statistics ------------------------------------------------------------------------------

function valueType(value) {
  if (value === null) return 'null'
  if (value === true) return 'true'
  if (value === false) return 'false'
  if (typeof value === 'string') return value.startsWith('holdout-') ? 'holdout-variant' : 'variant'
  return typeof value
}

function bump(map, key, by = 1) {
  map[key] = (map[key] ?? 0) + by
}

function collectOperators(doc, into) {
  const visitFilter = (filter) => {
    if (filter.type === 'cohort' || filter.type === 'flag') {
      bump(into, `${filter.type}:${!('operator' in filter) ? '(absent)' : filter.operator === null ? '(null)' : filter.operator}`)
      return
    }
    const op = !('operator' in filter) ? '(absent)' : filter.operator === null ? '(null)' : filter.operator
    bump(into, op)
  }
  const visitGroup = (group) => {
    for (const value of group?.values ?? []) {
      if (value && 'values' in value) visitGroup(value)
      else visitFilter(value)
    }
  }
  for (const flag of doc.flags) for (const cond of flag.filters.groups ?? []) for (const prop of cond.properties ?? []) visitFilter(prop)
  for (const cohort of Object.values(doc.cohorts)) visitGroup(cohort)
}

// A lenient date in a filter value would make every case that reaches the filter lenient.
function assertNoLenientFilterValues(doc, seed) {
  const check = (filter) => {
    if (filter.operator !== 'is_date_before' && filter.operator !== 'is_date_after') return
    const v = filter.value
    if (typeof v !== 'string' || core.relativeDateParseForFeatureFlagMatching(v) !== null) return
    if (parseStrictDate(v) === null && !Number.isNaN(new RealDate(v).getTime())) fail(`seed ${seed}: lenient date filter value ${JSON.stringify(v)}`)
  }
  const visitGroup = (group) => {
    for (const value of group?.values ?? []) {
      if (value && 'values' in value) visitGroup(value)
      else check(value)
    }
  }
  for (const flag of doc.flags) for (const cond of flag.filters.groups ?? []) for (const prop of cond.properties ?? []) check(prop)
  for (const cohort of Object.values(doc.cohorts)) visitGroup(cohort)
}

// ---- operator vectors ------------------------------------------------------------------------

const OPERATOR_CHOICES = [...KNOWN_OPERATORS, ...UNKNOWN_OPERATORS, null, undefined]
const KIND_FOR_OPERATOR = (op) => {
  if (op === 'is_date_before' || op === 'is_date_after') return 'date'
  if (typeof op === 'string' && op.startsWith('semver_')) return 'semver'
  if (['gt', 'gte', 'lt', 'lte'].includes(op)) return 'number'
  return null
}

function operatorVector(gen, caseGen, r, index) {
  const op = OPERATOR_CHOICES[index % OPERATOR_CHOICES.length]
  let kind = KIND_FOR_OPERATOR(op)
  let key
  if (kind === null) {
    key = r.pick(gen.personKeys.filter((k) => PERSON_KEYS[k] !== 'date'))
    kind = PERSON_KEYS[key]
  } else {
    key = r.pick(gen.personKeys.filter((k) => PERSON_KEYS[k] === kind))
  }
  const property = { key, value: r.chance(0.85) ? gen.filterValue(op ?? 'exact', kind, true, r) : gen.anyValue(r) }
  if (op !== undefined) property.operator = op
  const properties = r.weighted([
    [45, () => ({ [key]: caseGen.aimedValue(property) })],
    [22, () => ({ [key]: gen.valueOfKind(kind, r) })],
    [10, () => ({ [key]: gen.anyValue(r) })],
    [8, () => ({ [key]: null })],
    [7, () => ({})],
    [5, () => ({ other: 'x', [`${key}_2`]: 1 })],
    [3, () => ({ [key]: r.pick(DATE_LENIENT) })],
  ])
  return { property, properties, pmv: r.chance(0.5) ? null : 2 }
}

// ---- one seed --------------------------------------------------------------------------------

async function runSeed(cfg, totals) {
  const started = RealDate.now()
  const nowMs = RealDate.parse(cfg.now)
  if (Number.isNaN(nowMs) || new RealDate(nowMs).toISOString() !== cfg.now) fail(`seed ${cfg.seed}: bad now ${cfg.now}`)
  pinClock(nowMs)
  if (new Date().getTime() !== nowMs || Date.now() !== nowMs) fail('the clock is not pinned')

  const rng = new Rng(`localflags-conformance/seed-${cfg.seed}`)
  const gen = new DocGen(rng.fork('doc'), { ...cfg, nowMs }, (text) => core.relativeDateParseForFeatureFlagMatching(text))
  const { doc, tags, chainStats } = gen.generate()
  allowLoneSurrogates(cfg.loneSurrogates === true)
  if (cfg.loneSurrogates) cutDocument(doc, rng.fork('surrogates'))
  const docText = stringify(doc)
  const served = JSON.parse(docText)
  const flagKeys = new Set(served.flags.map((flag) => flag.key))
  if (flagKeys.size !== served.flags.length) fail(`seed ${cfg.seed}: duplicate flag keys`)
  const filtered = new Set(served.flags.filter((flag) => isFiltered(flag, cfg.evaluationContexts)).map((flag) => flag.key))
  assertNoLenientFilterValues(served, cfg.seed)

  const caseRng = rng.fork('cases')
  const caseGen = new CaseGen(caseRng, gen, doc, tags)
  const caseCount = caseRng.int(2500, 4000)
  const inputs = []
  const cutRng = rng.fork('surrogate-cases')
  for (let n = 1; n <= caseCount; n++) {
    // An all-flags answer says nothing of why a flag is missing, so the surrogate seeds,
    // whose flags may be inconclusive for that reason, have single-flag cases only.
    const kind = caseRng.chance(0.8) || cfg.loneSurrogates ? 'single' : 'all'
    const input = caseGen.generate(kind)
    if (cfg.loneSurrogates) cutContext(input, cutRng)
    inputs.push(stringify(input))
  }

  const consoleSink = []
  const { client, errors } = await startClient(PostHog, docText, cfg, consoleSink)
  const poller = client.featureFlagsPoller
  if (poller.featureFlags.length !== served.flags.length - filtered.size) {
    fail(`seed ${cfg.seed}: the reference kept ${poller.featureFlags.length} flags, expected ${served.flags.length - filtered.size}`)
  }
  for (const key of filtered) if (!poller.filteredOutFlagKeys.has(key)) fail(`seed ${cfg.seed}: ${key} should be filtered out`)

  const header = {
    kind: 'header',
    seed: cfg.seed,
    posthog_node: nodeSdkVersion,
    posthog_core: coreVersion,
    now: cfg.now,
    evaluation_contexts: cfg.evaluationContexts ?? null,
    definitions: doc,
  }
  if (cfg.loneSurrogates) header.lone_surrogates = true
  const lines = [stringify(header)]
  const stats = {
    seed: cfg.seed,
    file: `seed-${String(cfg.seed).padStart(4, '0')}.jsonl.gz`,
    now: cfg.now,
    evaluation_contexts: cfg.evaluationContexts ?? null,
    property_matching_version: cfg.propertyMatchingVersion ?? null,
    group_type_mapping: doc.group_type_mapping,
    flags: served.flags.length,
    flags_filtered_out: filtered.size,
    cohorts: Object.keys(served.cohorts).length,
    dependency_chains: chainStats,
    cases: { single: 0, all: 0, total: 0 },
    single: { conclusive: 0, null: 0, threw: 0, undefined_key: 0, filtered_key: 0, by_value: {}, payload_present: 0 },
    all: { flag_entries: 0, absent_entries: 0, by_value: {}, payload_entries: 0 },
    excluded: { lenient_date: 0 },
    lenient_strings: {},
    distinct_flags_evaluated: 0,
  }
  const evaluatedFlags = new Set()
  const scenario = {}
  let caseNo = 0
  for (const inputText of inputs) {
    caseNo++
    const input = JSON.parse(inputText)
    const { result: outcome, lenient } = await asCase(() => evaluateCase(client, input))
    if (lenient.length > 0) {
      stats.excluded.lenient_date++
      for (const text of new Set(lenient)) bump(stats.lenient_strings, text)
      continue
    }
    let expect = outcome
    if (input.flag !== undefined) {
      const { threw, ...rest } = outcome
      expect = { ...rest, defined: flagKeys.has(input.flag), filtered: filtered.has(input.flag) }
      if (threw !== undefined) expect.threw = threw
      stats.cases.single++
      if (threw !== undefined) stats.single.threw++
      if (expect.value === null) stats.single.null++
      else stats.single.conclusive++
      if (!expect.defined) stats.single.undefined_key++
      if (expect.filtered) stats.single.filtered_key++
      bump(stats.single.by_value, valueType(expect.value))
      if ('payload' in expect) stats.single.payload_present++
      if (expect.defined) {
        evaluatedFlags.add(input.flag)
        for (const tag of tags.get(input.flag)) {
          scenario[tag] ??= { single_cases: 0, conclusive: 0, null: 0 }
          scenario[tag].single_cases++
          scenario[tag][expect.value === null ? 'null' : 'conclusive']++
        }
      }
    } else {
      stats.cases.all++
      for (const key of flagKeys) {
        if (key in expect.flags) {
          stats.all.flag_entries++
          bump(stats.all.by_value, valueType(expect.flags[key]))
          evaluatedFlags.add(key)
        } else {
          stats.all.absent_entries++
        }
      }
      stats.all.payload_entries += Object.keys(expect.payloads).length
    }
    const line = { kind: 'case', id: `${cfg.seed}-${caseNo}`, input, expect }
    lines.push(stringify(line))
  }
  stats.cases.total = stats.cases.single + stats.cases.all
  stats.distinct_flags_evaluated = evaluatedFlags.size
  stats.scenarios = sortKeys(scenario)
  stats.reference_errors = errors.length
  stats.operators_in_document = {}
  collectOperators(served, stats.operators_in_document)
  stats.operators_in_document = sortKeys(stats.operators_in_document)

  // Operator-level vectors, evaluated at this seed's "now".
  const opRng = rng.fork('operators')
  const vectorLines = []
  const opStats = { vectors: 0, excluded_lenient_date: 0, by_expect: {}, by_operator: {} }
  for (let i = 0; i < OPERATOR_VECTORS_PER_SEED; i++) {
    const vector = operatorVector(gen, caseGen, opRng, i + cfg.seed)
    const { result: expect, lenient: vectorLenient } = await asCase(() =>
      evaluateVector(core, JSON.parse(stringify(vector.property)), JSON.parse(stringify(vector.properties)), vector.pmv)
    )
    if (vectorLenient.length > 0) {
      opStats.excluded_lenient_date++
      continue
    }
    opStats.vectors++
    bump(opStats.by_expect, String(expect))
    const opName = !('operator' in vector.property) ? '(absent)' : vector.property.operator === null ? '(null)' : vector.property.operator
    opStats.by_operator[opName] ??= {}
    bump(opStats.by_operator[opName], String(expect))
    vectorLines.push(stringify({ property: vector.property, properties: vector.properties, pmv: vector.pmv, now: cfg.now, expect }))
  }

  await withQuietConsole(() => client.shutdown(), consoleSink)
  pinClock(null)
  allowLoneSurrogates(false)

  const text = lines.join('\n') + '\n'
  const gz = zlib.gzipSync(Buffer.from(text, 'utf8'), { level: 9 })
  fs.writeFileSync(path.join(OUT_DIR, stats.file), gz)
  stats.sha256_uncompressed = crypto.createHash('sha256').update(text).digest('hex')
  stats.bytes_gz = gz.length
  stats.lenient_strings = sortKeys(stats.lenient_strings)
  totals.timings.push([cfg.seed, RealDate.now() - started, consoleSink.length])
  return { stats, vectorLines, opStats, docOperators: stats.operators_in_document }
}

// ---- main ------------------------------------------------------------------------------------

async function main() {
  const started = RealDate.now()
  fs.mkdirSync(OUT_DIR, { recursive: true })
  const wanted = new Set(SEEDS.map((cfg) => `seed-${String(cfg.seed).padStart(4, '0')}.jsonl.gz`))
  for (const name of fs.readdirSync(OUT_DIR)) {
    if (/^seed-\d+\.jsonl\.gz$/.test(name) && !wanted.has(name)) fs.unlinkSync(path.join(OUT_DIR, name))
  }
  const totals = { timings: [] }
  const seeds = []
  const allVectors = []
  const operatorTotals = { vectors: 0, excluded_lenient_date: 0, by_expect: {}, by_operator: {} }
  const docOperators = {}
  for (const cfg of SEEDS) {
    const { stats, vectorLines, opStats } = await runSeed(cfg, totals)
    seeds.push(stats)
    allVectors.push(...vectorLines)
    operatorTotals.vectors += opStats.vectors
    operatorTotals.excluded_lenient_date += opStats.excluded_lenient_date
    for (const [k, v] of Object.entries(opStats.by_expect)) bump(operatorTotals.by_expect, k, v)
    for (const [op, counts] of Object.entries(opStats.by_operator)) {
      operatorTotals.by_operator[op] ??= {}
      for (const [k, v] of Object.entries(counts)) bump(operatorTotals.by_operator[op], k, v)
    }
    for (const [op, n] of Object.entries(stats.operators_in_document)) bump(docOperators, op, n)
    const s = stats
    process.stdout.write(
      `seed ${String(cfg.seed).padStart(2)}  now ${cfg.now}  flags ${s.flags} (filtered ${s.flags_filtered_out})  cohorts ${s.cohorts}  ` +
        `cases ${s.cases.total} (single ${s.cases.single}, all ${s.cases.all})  excluded ${s.excluded.lenient_date}  ` +
        `${(totals.timings.at(-1)[1] / 1000).toFixed(1)}s\n`
    )
  }

  const opText = allVectors.join('\n') + '\n'
  const opGz = zlib.gzipSync(Buffer.from(opText, 'utf8'), { level: 9 })
  fs.writeFileSync(path.join(OUT_DIR, 'operators.jsonl.gz'), opGz)

  const sum = (f) => seeds.reduce((acc, s) => acc + f(s), 0)
  const mergeCounts = (f) => {
    const out = {}
    for (const s of seeds) for (const [k, v] of Object.entries(f(s))) bump(out, k, v)
    return sortKeys(out)
  }
  const scenarioTotals = {}
  for (const s of seeds) {
    for (const [tag, c] of Object.entries(s.scenarios)) {
      scenarioTotals[tag] ??= { single_cases: 0, conclusive: 0, null: 0 }
      for (const k of Object.keys(c)) scenarioTotals[tag][k] += c[k]
    }
  }
  const manifest = {
    generator: 'conformance/generate.mjs',
    posthog_node: nodeSdkVersion,
    posthog_core: coreVersion,
    format: 'one JSON object per line; see conformance/README.md',
    seeds: seeds.map((s) => s.seed),
    totals: {
      cases: sum((s) => s.cases.total),
      single_flag_cases: sum((s) => s.cases.single),
      all_flags_cases: sum((s) => s.cases.all),
      distinct_flags: sum((s) => s.flags),
      distinct_flags_evaluated: sum((s) => s.distinct_flags_evaluated),
      single: {
        conclusive: sum((s) => s.single.conclusive),
        null: sum((s) => s.single.null),
        threw: sum((s) => s.single.threw),
        undefined_key: sum((s) => s.single.undefined_key),
        filtered_key: sum((s) => s.single.filtered_key),
        payload_present: sum((s) => s.single.payload_present),
        by_value: mergeCounts((s) => s.single.by_value),
      },
      all: {
        flag_entries: sum((s) => s.all.flag_entries),
        absent_entries: sum((s) => s.all.absent_entries),
        payload_entries: sum((s) => s.all.payload_entries),
        by_value: mergeCounts((s) => s.all.by_value),
      },
      excluded: { lenient_date: sum((s) => s.excluded.lenient_date) },
      scenarios: sortKeys(scenarioTotals),
      operators_in_documents: sortKeys(docOperators),
    },
    exclusions: {
      lenient_date:
        'Cases in which posthog-node parsed a date string that only V8\'s lenient Date parser accepts (not the strict grammar in conformance/README.md). docs/semantics.md section 4.5: the Go library treats such strings as inconclusive, so these cases are left out.',
    },
    operators: {
      file: 'operators.jsonl.gz',
      vectors: operatorTotals.vectors,
      excluded: { lenient_date: operatorTotals.excluded_lenient_date },
      by_expect: sortKeys(operatorTotals.by_expect),
      by_operator: sortKeys(Object.fromEntries(Object.entries(operatorTotals.by_operator).map(([k, v]) => [k, sortKeys(v)]))),
      sha256_uncompressed: crypto.createHash('sha256').update(opText).digest('hex'),
    },
    per_seed: seeds,
  }
  fs.writeFileSync(path.join(OUT_DIR, 'MANIFEST.json'), JSON.stringify(manifest, null, 2) + '\n')

  const problems = sanityCheck(manifest)
  printSummary(manifest, totals, RealDate.now() - started)
  if (problems.length > 0) {
    process.stderr.write(`\nSANITY CHECK FAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`)
    process.exit(1)
  }
  process.stdout.write('sanity checks passed\n')
}

function sanityCheck(m) {
  const problems = []
  const t = m.totals
  if (t.cases < 20000) problems.push(`only ${t.cases} cases (want >= 20000)`)
  if (t.distinct_flags < 300) problems.push(`only ${t.distinct_flags} flags (want >= 300)`)
  for (const v of ['true', 'false', 'variant', 'null', 'holdout-variant']) if (!t.single.by_value[v]) problems.push(`no single-flag outcome of type ${v}`)
  for (const v of ['true', 'false', 'variant']) if (!t.all.by_value[v]) problems.push(`no all-flags entry of type ${v}`)
  if (!t.all.absent_entries) problems.push('no all-flags case left a flag out')
  if (!t.single.payload_present || !t.all.payload_entries) problems.push('no payloads')
  if (!t.single.undefined_key) problems.push('no single-flag case with an undefined key')
  if (!t.excluded.lenient_date) problems.push('the lenient-date exclusion never fired')
  if (!m.operators.excluded.lenient_date) problems.push('the lenient-date exclusion never fired for operator vectors')
  const requiredOps = [...KNOWN_OPERATORS, 'is_date_exact', 'icontains_multi', 'in', 'flag_evaluates_to', 'bogus', '(null)', '(absent)']
  for (const op of requiredOps) {
    if (!t.operators_in_documents[op]) problems.push(`operator ${op} never appears in a document`)
    if (!m.operators.by_operator[op]) problems.push(`operator ${op} has no operator vector`)
  }
  for (const op of ['cohort:in', 'cohort:not_in', 'cohort:(null)', 'cohort:(absent)', 'flag:flag_evaluates_to']) {
    if (!t.operators_in_documents[op]) problems.push(`${op} never appears in a document`)
  }
  for (const op of KNOWN_OPERATORS) {
    const c = m.operators.by_operator[op] ?? {}
    const want = op === 'is_set' ? ['true', 'inconclusive'] : op === 'is_not_set' ? ['false', 'inconclusive'] : ['true', 'false', 'inconclusive']
    for (const outcome of want) if (!c[outcome]) problems.push(`operator ${op} never gave ${outcome}`)
  }
  if (!m.operators.by_expect['inconclusive-regex']) problems.push('no regex vector required server evaluation')
  const scenarios = t.scenarios
  for (const tag of ['missing-cohort', 'holdout', 'device', 'dependency', 'dep-cycle', 'dep-self', 'dep-missing', 'dep-nochain', 'dep-inactive', 'dep-group', 'dep-continuity', 'dep-filtered', 'dep-variant', 'early_exit', 'payloads', 'cohort', 'group', 'group-unmapped', 'mixed', 'inactive', 'continuity', 'filters-empty', 'groups-empty', 'filtered', 'regex-multi']) {
    const s = scenarios[tag]
    if (!s || s.single_cases === 0) problems.push(`no single-flag case for scenario ${tag}`)
  }
  for (const tag of ['holdout', 'device', 'dependency', 'early_exit', 'payloads', 'cohort', 'group', 'mixed']) {
    const s = scenarios[tag]
    if (s && (!s.conclusive || !s.null)) problems.push(`scenario ${tag} lacks conclusive or null outcomes (${s.conclusive}/${s.null})`)
  }
  return problems
}

function printSummary(m, totals, elapsedMs) {
  const t = m.totals
  const lines = []
  lines.push('')
  lines.push(`posthog-node ${m.posthog_node} / @posthog/core ${m.posthog_core}`)
  lines.push(`cases ${t.cases}: single ${t.single_flag_cases}, all-flags ${t.all_flags_cases}; flags ${t.distinct_flags} (${t.distinct_flags_evaluated} evaluated at least once)`)
  lines.push(`single: conclusive ${t.single.conclusive}, null ${t.single.null} (threw ${t.single.threw}, undefined key ${t.single.undefined_key}, filtered key ${t.single.filtered_key}), payload present ${t.single.payload_present}`)
  lines.push(`single by value: ${JSON.stringify(t.single.by_value)}`)
  lines.push(`all-flags entries: ${t.all.flag_entries} present, ${t.all.absent_entries} absent, ${t.all.payload_entries} payloads; by value ${JSON.stringify(t.all.by_value)}`)
  lines.push(`excluded (lenient dates): ${t.excluded.lenient_date} cases, ${m.operators.excluded.lenient_date} operator vectors`)
  lines.push(`operator vectors: ${m.operators.vectors} ${JSON.stringify(m.operators.by_expect)}`)
  lines.push('scenarios (single-flag cases: conclusive/null):')
  for (const [tag, s] of Object.entries(t.scenarios)) lines.push(`  ${tag.padEnd(22)} ${String(s.single_cases).padStart(6)}  ${s.conclusive}/${s.null}`)
  lines.push(`operators in documents: ${Object.keys(t.operators_in_documents).length} distinct`)
  const quiet = totals.timings.reduce((a, [, , n]) => a + n, 0)
  lines.push(`reference console messages suppressed: ${quiet}`)
  lines.push(`generation time: ${(elapsedMs / 1000).toFixed(1)}s`)
  process.stdout.write(lines.join('\n') + '\n')
}

await main()
