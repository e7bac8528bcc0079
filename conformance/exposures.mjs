// Generates ../testdata/conformance/exposures.jsonl.gz: the $feature_flag_called events that
// posthog-node sends for sequences of flag calls, evaluated locally, as its /batch/ requests
// carry them. TestExposureConformance replays each sequence through the Go client and requires
// the same event, or none, after every call.
//
//   TZ=UTC node exposures.mjs      (npm run exposures)
//
// Each sequence is a small document and 30 to 70 calls drawn from a seeded PRNG:
// getFeatureFlag, isFeatureEnabled and getFeatureFlagResult (which send events),
// getFeatureFlagPayload and getAllFlags (which send none), and getFeatureFlag with
// sendFeatureFlagEvents: false. The calls repeat a few distinct ids, flags and values, pass groups
// in varying insertion order, hit variants, holdouts, inconclusive and missing flags, and use an
// LRU (maxCacheSize) small enough to evict in most sequences. The clock is pinned, one second
// further for each call, so the events' timestamps are deterministic too.
//
// The fetch below answers the definitions request and records every /batch/ body; anything else
// stops the run. After each call the client is flushed, so each event is tied to its call.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { Rng } from './lib/prng.mjs'
import { stringify } from './lib/json.mjs'
import { fail, loadReference, pinClock, withQuietConsole } from './lib/reference.mjs'

process.env.TZ = 'UTC'
const HERE = path.dirname(fileURLToPath(import.meta.url))
const OUT = path.join(HERE, '..', 'testdata', 'conformance', 'exposures.jsonl.gz')
const SEQUENCES = 60
const BASE_MS = Date.UTC(2025, 5, 15, 12, 0, 0)

const { PostHog, versions } = await loadReference()

// A document of one flag of each kind that matters to exposures.
function makeDocument(rng, s) {
  const id = () => rng.int(1, 99999)
  const experiment = () => rng.weighted([[3, undefined], [2, true], [2, false], [1, null]])
  const variants = rng.chance(0.3)
    ? [{ key: 'true', rollout_percentage: 50 }, { key: 'b', rollout_percentage: 50 }] // "true" shares the dedup key of the response true
    : [{ key: 'control', rollout_percentage: 34 }, { key: 'test', rollout_percentage: 33 }, { key: 'other', rollout_percentage: 33 }]
  const flag = (key, filters, extra = {}) => {
    const f = { id: id(), key, active: true, filters, ...extra }
    const e = experiment()
    if (e !== undefined) f.has_experiment = e
    return f
  }
  const flags = [
    flag(`on-${s}`, { groups: [{ properties: [], rollout_percentage: 100 }] }),
    flag(`half-${s}`, { groups: [{ properties: [], rollout_percentage: 50 }] }),
    flag(`mv-${s}`, { groups: [{ properties: [], rollout_percentage: 100 }], multivariate: { variants } }),
    flag(`holdout-flag-${s}`, {
      groups: [{ properties: [], rollout_percentage: 100 }],
      multivariate: { variants: [{ key: 'control', rollout_percentage: 50 }, { key: 'test', rollout_percentage: 50 }] },
      holdout: { id: rng.int(1, 50), exclusion_percentage: 40 },
    }),
    flag(`company-${s}`, { aggregation_group_type_index: 0, groups: [{ properties: [], rollout_percentage: 70 }] }),
    flag(`team-${s}`, { aggregation_group_type_index: 1, groups: [{ properties: [], rollout_percentage: 100 }] }),
    flag(`plan-${s}`, { groups: [{ properties: [{ key: 'plan', type: 'person', value: ['pro'], operator: 'exact' }], rollout_percentage: 100 }] }),
    flag(`off-${s}`, { groups: [{ properties: [], rollout_percentage: 100 }] }, { active: false }),
    flag(`continuity-${s}`, { groups: [{ properties: [], rollout_percentage: 100 }] }, { ensure_experience_continuity: true }),
  ]
  const noID = { key: `noid-${s}`, active: true, filters: { groups: [{ properties: [], rollout_percentage: 100 }] } }
  flags.push(noID)
  return { flags: rng.shuffle(flags), group_type_mapping: { 0: 'company', 1: 'team' }, cohorts: {} }
}

const ID_POOL = ['user-1', 'user-2', 'user-3', 'üser', '😀', 'a "quoted" id', '12345', 'User-1']
const COMPANIES = ['acme', 'globex', 'Ü"ber']
const TEAMS = ['t1', 't2']

function makeCall(rng, keys, ids) {
  const method = rng.weighted([
    [30, 'getFeatureFlag'],
    [25, 'isFeatureEnabled'],
    [25, 'getFeatureFlagResult'],
    [6, 'getFeatureFlagPayload'],
    [6, 'getAllFlags'],
    [8, 'getFeatureFlagNoEvent'],
  ])
  const call = { method, distinct_id: rng.pick(ids) }
  if (method !== 'getAllFlags') call.key = rng.weighted([[12, () => rng.pick(keys)], [1, 'missing-flag']])
  const groups = rng.weighted([
    [5, () => undefined],
    [3, () => ({ company: rng.pick(COMPANIES) })],
    [2, () => ({ team: rng.pick(TEAMS), company: rng.pick(COMPANIES) })],
    [2, () => ({ company: rng.pick(COMPANIES), team: rng.pick(TEAMS) })],
    [1, () => ({})],
  ])
  if (groups !== undefined) call.groups = groups
  const plan = rng.weighted([[2, undefined], [1, 'pro'], [1, 'free']])
  if (plan !== undefined) call.person_properties = { plan }
  return call
}

// A client whose fetch serves docText and records the events of every /batch/ request.
async function startClient(docText, maxCacheSize, events, consoleSink) {
  const fetch = async (url, options) => {
    const method = options?.method ?? 'GET'
    if (method === 'GET' && /^http:\/\/127\.0\.0\.1:1\/flags\/definitions\?/.test(url)) {
      return { status: 200, headers: { get: () => null }, json: async () => JSON.parse(docText), text: async () => docText }
    }
    if (method === 'POST' && url === 'http://127.0.0.1:1/batch/') {
      let body = options.body
      if (options.headers?.['Content-Encoding'] === 'gzip') body = zlib.gunzipSync(Buffer.from(body)).toString('utf8')
      const parsed = JSON.parse(body)
      if (parsed.api_key !== 'phc_test') fail(`batch with api_key ${parsed.api_key}`)
      for (const e of parsed.batch) events.push(e)
      return { status: 200, headers: { get: () => null }, json: async () => ({ status: 1 }), text: async () => '{"status":1}' }
    }
    fail(`posthog-node tried to reach the network: ${method} ${url}`)
  }
  const client = new PostHog('phc_test', {
    host: 'http://127.0.0.1:1',
    personalApiKey: 'phs_test',
    featureFlagsPollingInterval: 2147483647,
    fetch,
    flushAt: 1,
    flushInterval: 0,
    maxCacheSize,
  })
  const ready = await withQuietConsole(() => client.waitForLocalEvaluationReady(10000), consoleSink)
  if (!ready) fail('flag definitions did not load')
  return client
}

async function runCall(client, call) {
  const options = { groups: call.groups, personProperties: call.person_properties, onlyEvaluateLocally: true }
  switch (call.method) {
    case 'getFeatureFlag':
      return client.getFeatureFlag(call.key, call.distinct_id, options)
    case 'isFeatureEnabled':
      return client.isFeatureEnabled(call.key, call.distinct_id, options)
    case 'getFeatureFlagResult':
      return client.getFeatureFlagResult(call.key, call.distinct_id, options)
    case 'getFeatureFlagPayload':
      return client.getFeatureFlagPayload(call.key, call.distinct_id, undefined, options)
    case 'getAllFlags':
      return client.getAllFlags(call.distinct_id, options)
    case 'getFeatureFlagNoEvent':
      return client.getFeatureFlag(call.key, call.distinct_id, { ...options, sendFeatureFlagEvents: false })
  }
  fail(`unknown method ${call.method}`)
}

const lines = []
const consoleSink = []
let eventCount = 0
let evictingSequences = 0
for (let s = 0; s < SEQUENCES; s++) {
  const rng = new Rng(`exposures/${s}`)
  const doc = makeDocument(rng.fork('doc'), s)
  const docText = stringify(doc)
  const cacheSize = rng.weighted([[3, 1], [3, 2], [2, 3], [2, 50000]])
  const ids = rng.sample(ID_POOL, rng.int(2, 5))
  if (ids.length > cacheSize) evictingSequences++
  const keys = doc.flags.map((f) => f.key)
  pinClock(BASE_MS)
  const events = []
  const client = await startClient(docText, cacheSize, events, consoleSink)
  const calls = []
  const n = rng.int(30, 70)
  for (let i = 0; i < n; i++) {
    const call = makeCall(rng, keys, ids)
    call.now_ms = BASE_MS + 1000 * (i + 1)
    pinClock(call.now_ms)
    const before = events.length
    await withQuietConsole(() => runCall(client, call), consoleSink)
    await client.flush()
    const produced = events.slice(before)
    if (produced.length > 1) fail(`sequence ${s} call ${i} produced ${produced.length} events`)
    if (produced.length === 1) {
      const e = produced[0]
      call.event = { event: e.event, distinct_id: e.distinct_id, properties: e.properties }
      eventCount++
    }
    calls.push(call)
  }
  await client.shutdown()
  lines.push(stringify({ kind: 'sequence', sequence: s, now_ms: BASE_MS, cache_size: cacheSize, definitions: doc, calls }))
}
const header = stringify({
  kind: 'header',
  generator: 'conformance/exposures.mjs',
  posthog_node: versions.node,
  posthog_core: versions.core,
  sequences: SEQUENCES,
  events: eventCount,
  evicting_sequences: evictingSequences,
})
fs.writeFileSync(OUT, zlib.gzipSync([header, ...lines].join('\n') + '\n'))
process.stdout.write(`${OUT}: ${SEQUENCES} sequences, ${eventCount} events, ${evictingSequences} with an LRU smaller than their distinct ids\n`)
