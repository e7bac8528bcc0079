// Runs posthog-node's local evaluation offline: a pinned clock, a fetch that serves one
// definitions document and refuses everything else, and the context mapping the Go side uses.
//
// installClock() must run before posthog-node is imported (loadReference() does both in order).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseStrictDate } from './strictdate.mjs'

export const EXPECTED_NODE_SDK = '5.74.0'
export const EXPECTED_CORE = '1.69.2'
export const REGEX_SYMBOL = Symbol.for('posthog.requiresServerRegexEvaluation')
const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export function fail(message) {
  // Loud and final.
  process.stderr.write(`\nFATAL: ${message}\n`)
  process.exit(70)
}

// ---- the pinned clock and the lenient-date detector ------------------------------------------
export const RealDate = globalThis.Date
let pinnedMs = null
let activeCase = null // { lenient: [] } while the reference evaluates one case or vector

export function pinClock(ms) {
  pinnedMs = ms
}

// Runs fn (sync or async) as one case; returns { result, lenient }, where lenient lists the date
// strings that only V8's lenient parser accepted while fn ran.
export async function asCase(fn) {
  activeCase = { lenient: [] }
  const state = activeCase
  try {
    return { result: await fn(), lenient: state.lenient }
  } finally {
    activeCase = null
  }
}

function checkDateString(text, ms) {
  const strict = parseStrictDate(text)
  if (strict !== null) {
    if (Number.isNaN(ms) || ms !== strict) {
      fail(`strict date grammar and V8 disagree on ${JSON.stringify(text)}: grammar ${strict}, V8 ${ms}`)
    }
    return
  }
  if (!Number.isNaN(ms) && activeCase) activeCase.lenient.push(text)
}

class PinnedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) {
      super(pinnedMs ?? RealDate.now())
    } else {
      super(...args)
      if (args.length === 1 && typeof args[0] === 'string') checkDateString(args[0], super.getTime())
    }
  }

  static now() {
    return pinnedMs ?? RealDate.now()
  }
}

let installed = false
export function installClock() {
  if (installed) return
  if (process.env.TZ !== 'UTC') fail('TZ must be UTC (set it before anything touches dates)')
  if (new RealDate(2020, 0, 1).getTimezoneOffset() !== 0) fail('the process time zone is not UTC (run with TZ=UTC)')
  globalThis.Date = PinnedDate
  installed = true
}

// ---- the reference ---------------------------------------------------------------------------

function installedVersion(pkg) {
  return JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'node_modules', pkg, 'package.json'), 'utf8')).version
}

export async function loadReference() {
  installClock()
  const { PostHog } = await import('posthog-node')
  const core = await import('@posthog/core')
  const versions = { node: installedVersion('posthog-node'), core: installedVersion('@posthog/core') }
  if (versions.node !== EXPECTED_NODE_SDK || versions.core !== EXPECTED_CORE) {
    fail(`expected posthog-node ${EXPECTED_NODE_SDK} with @posthog/core ${EXPECTED_CORE}, found ${versions.node} / ${versions.core} (run npm ci)`)
  }
  return { PostHog, core, versions }
}

// Whether posthog-node's evaluationContexts option drops this flag.
export function isFiltered(flag, contexts) {
  if (!Array.isArray(contexts) || contexts.length === 0) return false
  const tags = flag.evaluation_contexts ?? flag.evaluation_tags
  if (!tags || tags.length === 0) return false
  return !tags.some((tag) => contexts.includes(tag))
}

// The case input's person properties as the reference receives them: a copy, plus $device_id
// from device_id when that is a non-empty string and the caller did not set $device_id.
export function referencePersonProperties(input) {
  const props = { ...input.person_properties }
  if (typeof input.device_id === 'string' && input.device_id !== '' && !Object.prototype.hasOwnProperty.call(props, '$device_id')) {
    props.$device_id = input.device_id
  }
  return props
}

export async function withQuietConsole(fn, sink) {
  const saved = {}
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    saved[level] = console[level]
    console[level] = (...args) => sink.push(`${level}: ${args.map(String).join(' ').slice(0, 300)}`)
  }
  try {
    return await fn()
  } finally {
    Object.assign(console, saved)
  }
}

// A client whose only source of data is docText. Any other request aborts the process.
export async function startClient(PostHog, docText, { seed, evaluationContexts }, consoleSink) {
  const fetches = []
  const customFetch = async (url, options) => {
    fetches.push(url)
    if (!/^http:\/\/127\.0\.0\.1:1\/flags\/definitions\?/.test(url) || (options?.method ?? 'GET') !== 'GET') {
      fail(`posthog-node tried to reach the network: ${options?.method ?? 'GET'} ${url}`)
      throw new Error(`network access attempted: ${url}`)
    }
    return {
      status: 200,
      headers: { get: () => null },
      json: async () => JSON.parse(docText),
      text: async () => docText,
    }
  }
  const client = new PostHog('phc_test', {
    host: 'http://127.0.0.1:1',
    personalApiKey: 'phs_test',
    featureFlagsPollingInterval: 2147483647, // the largest delay setTimeout honours
    fetch: customFetch,
    flushAt: 1,
    flushInterval: 0,
    disableGeoip: true,
    evaluationContexts: evaluationContexts ?? undefined,
  })
  const errors = []
  client.on('error', (err) => errors.push(String(err?.message ?? err)))
  const ready = await withQuietConsole(() => client.waitForLocalEvaluationReady(10000), consoleSink)
  if (!ready || !client.isLocalEvaluationReady()) fail(`seed ${seed}: flag definitions did not load`)
  if (fetches.length !== 1) fail(`seed ${seed}: expected one definitions fetch, saw ${fetches.length}`)
  return { client, fetches, errors }
}

function sortKeys(object) {
  const out = {}
  for (const key of Object.keys(object).sort()) out[key] = object[key]
  return out
}

// Evaluates one case input. Returns the golden "expect" object without defined/filtered.
export async function evaluateCase(client, input) {
  const personProperties = referencePersonProperties(input)
  const options = { groups: input.groups, personProperties, groupProperties: input.group_properties, onlyEvaluateLocally: true }
  if (input.flag !== undefined) {
    let result
    let threw
    try {
      result = await client.getFeatureFlagResult(input.flag, input.distinct_id, { ...options, sendFeatureFlagEvents: false })
    } catch (err) {
      threw = String(err?.message ?? err)
    }
    const expect = {}
    if (threw !== undefined || result === undefined) {
      expect.value = null
    } else {
      expect.value = result.variant ?? result.enabled
      if (result.payload !== undefined) expect.payload = result.payload
    }
    if (threw !== undefined) expect.threw = threw
    return expect
  }
  const all = await client.getAllFlagsAndPayloads(input.distinct_id, options)
  return { flags: sortKeys(all.featureFlags), payloads: sortKeys(all.featureFlagPayloads) }
}

// Evaluates one operator vector with @posthog/core's matchFeatureFlagProperty.
export function evaluateVector(core, property, properties, pmv) {
  try {
    const matched = core.matchFeatureFlagProperty(property, properties, { propertyMatchingVersion: pmv ?? undefined })
    if (typeof matched !== 'boolean') fail(`matchFeatureFlagProperty returned ${typeof matched}`)
    return matched
  } catch (err) {
    if (err instanceof core.InconclusiveMatchError) return REGEX_SYMBOL in err ? 'inconclusive-regex' : 'inconclusive'
    fail(`matchFeatureFlagProperty threw a non-inconclusive error for ${JSON.stringify(property)} / ${JSON.stringify(properties)}: ${err?.stack ?? err}`)
  }
}
