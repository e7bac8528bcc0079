// Generates one flag-definitions document per seed, shaped like the /flags/definitions response.
//
// Everything here is a pure function of the seed configuration and its Rng. Values that must keep
// their JSON spelling (5.0, 1e21, -0.0) are RawNumber objects; unraw() gives what JSON.parse yields.
import { raw, unraw, RawNumber } from './json.mjs'
import { parseStrictDate } from './strictdate.mjs'
import {
  PERSON_KEYS,
  GROUP_KEYS,
  FORBIDDEN_NAMES,
  ENUMS,
  UNICODE,
  EMAILS,
  MISC_STRINGS,
  NUMBERS,
  NUMERIC_STRINGS,
  SEMVERS,
  SEMVER_FILTERS,
  ARRAYS,
  OBJECTS,
  BOOLS,
  IDS,
  GROUP_KEY_VALUES,
  SUBSTRINGS,
  REGEX_VALID,
  REGEX_INVALID,
  REGEX_NONPORTABLE,
  UNKNOWN_OPERATORS,
  KNOWN_OPERATORS,
  RELATIVE_DATES,
  DATE_GARBAGE,
  DATE_FORMS,
  FIXED_DATES,
  formatStrict,
} from './pools.mjs'

const DATE_OPS = ['is_date_before', 'is_date_after']
const SEMVERS_VALID = ['1.2.3', 'v1.2.3', ' 1.2.3 ', '1.2', '1', '1.2.3-alpha', '1.2.3+build', '1.2.3.4', '1..3', '0.0.3', '0.1.0', '0.1.5', '0.2.0', '0.0.0', '2.0.0', '1.3.0', '1.10.0', 'v2', 1.2, 2]
const SEMVER_WILDCARDS_VALID = ['1.2.*', '1.*', '1', '1.2', '0.*', '0.0.*', 'v1.2.*', '2.*', '1.2.3.*', 1.2]
const SEMVER_OPS = [
  'semver_eq', 'semver_neq', 'semver_gt', 'semver_gte', 'semver_lt', 'semver_lte', 'semver_tilde', 'semver_caret', 'semver_wildcard',
]
const STRING_OPS = ['icontains', 'not_icontains', 'starts_with', 'not_starts_with', 'ends_with', 'not_ends_with']
const NUMERIC_OPS = ['gt', 'gte', 'lt', 'lte']

const OPS_BY_KIND = {
  email: ['exact', 'is_not', 'icontains', 'not_icontains', 'ends_with', 'not_ends_with', 'starts_with', 'regex', 'not_regex', 'is_set', 'is_not_set'],
  enum: ['exact', 'exact', 'is_not', 'icontains', 'not_icontains', 'starts_with', 'not_starts_with', 'regex', 'not_regex', 'is_set', 'is_not_set', 'gt', 'lt'],
  unicode: ['exact', 'exact', 'is_not', 'icontains', 'not_icontains', 'starts_with', 'ends_with', 'not_ends_with', 'regex', 'not_regex', 'gt', 'lte'],
  number: ['exact', 'is_not', 'gt', 'gte', 'lt', 'lte', 'gt', 'lte', 'is_set', 'icontains', 'regex', 'starts_with'],
  semver: SEMVER_OPS.concat(['exact', 'is_set', 'semver_gt', 'semver_lt', 'semver_tilde', 'semver_caret', 'semver_wildcard']),
  date: ['is_date_before', 'is_date_after', 'is_date_before', 'is_date_after', 'is_set', 'exact', 'is_not_set'],
  array: ['exact', 'is_not', 'icontains', 'not_icontains', 'regex', 'gt'],
  bool: ['exact', 'exact', 'is_not', 'is_set'],
  object: ['exact', 'is_not', 'icontains', 'regex'],
  id: ['exact', 'is_not', 'icontains', 'starts_with', 'regex', 'is_set', 'is_not_set'],
  groupkey: ['exact', 'is_not', 'icontains', 'regex', 'not_regex', 'starts_with'],
}

const VARIANT_KEYS = ['control', 'test', 'variant-a', 'variant-b', 'A', 'a', 'treatment-ü', 'blue', 'green', 'red', 'big', 'small', 'v3', 'v4', 'x', 'y']

const FLAG_WORDS = [
  'checkout', 'beta', 'onboarding', 'pricing', 'search', 'dark-mode', 'billing', 'export', 'ai-assist', 'nav',
  'signup', 'rollout', 'experiment', 'banner', 'cache', 'promo', 'editor', 'reports', 'sso', 'mobile',
]

const PAYLOAD_STRINGS = [
  '{"a":1}', '{"color":"red","size":[1,2.5,null]}', '[1,2,3]', '[]', '{}', '42', '-2.5', '1e5', '0', 'false', 'true',
  'null', '""', '"text"', '"ünïcödé 😀"', '{broken', 'plain text', '', '"{\\"a\\":1}"', ' 1 ', '{"nested":{"x":[1,{"y":null}]}}',
  '"0"', '[{"k":"v"},"s",false]', 'undefined', "{'a':1}", '0.5',
]
const PAYLOAD_OTHER = [5, 0, false, true, null, { k: 'v' }, [1, 'a'], 2.5, { nested: { deep: [true] } }, 'not-json-but-fine']

export const HOLDOUTS = [
  { id: 7, exclusion_percentage: 0 },
  { id: 8, exclusion_percentage: 100 },
  { id: 9, exclusion_percentage: 10.5 },
  { id: 10, exclusion_percentage: 50 },
  { id: 11, exclusion_percentage: -5 },
  { id: 12, exclusion_percentage: 150 },
  { id: null, exclusion_percentage: 50 },
  { id: 13, exclusion_percentage: null },
  { id: 14, exclusion_percentage: 33.3 },
  { id: 15, exclusion_percentage: 0.1 },
]

export const GROUP_MAPPINGS = [
  { mapping: { 0: 'company', 1: 'project', 2: 'team' }, unmapped: [3, 5] },
  { mapping: { 0: 'organization', 1: 'instance' }, unmapped: [2, 4] },
  { mapping: { 0: 'company', 2: 'team' }, unmapped: [1, 6] },
  { mapping: { 0: 'company', 1: 'workspace', 3: 'account' }, unmapped: [2] },
]

function checkName(name) {
  if (FORBIDDEN_NAMES.has(name)) throw new Error(`generator produced a forbidden name: ${name}`)
  return name
}

export class DocGen {
  constructor(rng, cfg, relativeDate) {
    this.rng = rng
    this.cfg = cfg
    this.relativeDate = relativeDate
    this.nowMs = cfg.nowMs
    const mappingChoice = GROUP_MAPPINGS[cfg.groupMapping]
    this.mapping = {}
    for (const [index, name] of Object.entries(mappingChoice.mapping)) this.mapping[String(index)] = checkName(name)
    this.mappedIndexes = Object.keys(this.mapping).map(Number)
    this.unmappedIndexes = mappingChoice.unmapped
    const r = rng.fork('keys')
    const personKeyNames = Object.keys(PERSON_KEYS)
    const always = ['email', 'plan', 'age', 'app_version', 'signup_date', 'tags', 'is_beta', 'name', '$device_id', 'distinct_id']
    this.personKeys = always.concat(r.sample(personKeyNames.filter((k) => !always.includes(k)), r.int(4, 8)))
    this.groupKeys = Object.keys(GROUP_KEYS)
    this.buildDatePools()
    this.flagFilters = [] // every type:"flag" filter, in flags and cohorts, for the chain pass
    this.nextFlagId = cfg.seed * 1000 + 1
  }

  kindOf(key, scope) {
    return (scope === 'person' ? PERSON_KEYS : GROUP_KEYS)[key] ?? 'enum'
  }

  buildDatePools() {
    const r = this.rng.fork('dates')
    const now = this.nowMs
    const DAY = 86400000
    const offsets = [0, 1, -1, 1000, -1000, 3600000, -3600000, DAY, -DAY, 7 * DAY, -7 * DAY, -30 * DAY, -365 * DAY, 365 * DAY, -3650 * DAY, -40 * 365 * DAY]
    const filter = []
    const context = []
    for (const rel of RELATIVE_DATES) filter.push(rel)
    for (let i = 0; i < 24; i++) filter.push(formatStrict(now + r.pick(offsets) + r.pick([0, -DAY, -2 * DAY, -5 * DAY]), r.pick(DATE_FORMS), r))
    for (const fixed of FIXED_DATES) filter.push(fixed)
    filter.push(now - 7 * DAY, now, now - 30 * DAY, 0, -DAY, raw(`${now}.0`), raw(`${now - DAY}.5`), true, false, null, ['-7d'], ['2024-01-01'], { d: '-1d' })
    this.dateFilterValuesValid = filter.filter((v) => typeof v === 'number' || v instanceof RawNumber || (typeof v === 'string' && (/^-?\d+[hdwmy]$/.test(v) && !/^-?\d{5,}/.test(v) ? true : parseStrictDate(v) !== null)))
    for (const g of DATE_GARBAGE) filter.push(g)
    // Context values: boundaries of every relative filter value, and instants near now.
    for (const rel of RELATIVE_DATES) {
      const boundary = this.relativeDate(rel)
      if (!boundary) continue
      const b = boundary.getTime()
      for (const delta of [0, 1, -1, 1000, -1000, DAY, -DAY]) {
        context.push(formatStrict(b + delta, r.pick(['full', 'full', 'offset', 'micro', 'lower']), r))
      }
      context.push(formatStrict(b, 'YMD', r), b, b - 1, b + 1)
    }
    for (let i = 0; i < 40; i++) context.push(formatStrict(now + r.pick(offsets) + r.int(-3, 3) * DAY, r.pick(DATE_FORMS), r))
    for (const fixed of FIXED_DATES) context.push(fixed)
    context.push(now, now - DAY, now + DAY, 0, 1e21, raw(`${now}.0`), -8.64e15, 8.64e15 + 1, 2.5, true, false, ['2024-01-01'], {})
    for (const g of DATE_GARBAGE) context.push(g)
    this.dateFilterValues = filter
    this.dateContextValues = context
  }

  // A context value of the given kind (also used for filter values).
  valueOfKind(kind, r = this.rng) {
    switch (kind) {
      case 'email':
        return r.pick(EMAILS)
      case 'enum':
        return r.pick(ENUMS)
      case 'unicode':
        return r.pick(UNICODE)
      case 'number':
        return r.chance(0.7) ? r.pick(NUMBERS) : r.pick(NUMERIC_STRINGS)
      case 'semver':
        return r.pick(SEMVERS)
      case 'date':
        return r.pick(this.dateContextValues)
      case 'array':
        return r.pick(ARRAYS)
      case 'bool':
        return r.pick(BOOLS)
      case 'object':
        return r.pick(OBJECTS)
      case 'id':
        return r.pick(IDS)
      case 'groupkey':
        return r.pick(GROUP_KEY_VALUES)
      default:
        throw new Error(`unknown kind ${kind}`)
    }
  }

  // Any value at all, from every pool (dates excluded: they would hit lenient parsing).
  anyValue(r = this.rng) {
    return r.weighted([
      [3, () => r.pick(MISC_STRINGS)],
      [2, () => r.pick(ENUMS)],
      [2, () => r.pick(UNICODE)],
      [2, () => r.pick(NUMBERS)],
      [1, () => r.pick(SEMVERS)],
      [1, () => r.pick(ARRAYS)],
      [1, () => r.pick(OBJECTS)],
      [1, () => r.pick([true, false])],
      [1, null],
    ])
  }

  pickOperator(kind, forVectors = false) {
    const r = this.rng
    if (r.chance(forVectors ? 0.03 : 0.012)) return r.pick(UNKNOWN_OPERATORS)
    if (r.chance(0.12)) {
      const ops = KNOWN_OPERATORS.filter((op) => kind === 'date' || !DATE_OPS.includes(op))
      return r.pick(ops)
    }
    return r.pick(OPS_BY_KIND[kind])
  }

  // forVectors: operator vectors use the whole pools. Flag documents mostly use filter values
  // that local evaluation supports, or nearly every flag would be inconclusive.
  filterValue(op, kind, forVectors = false, r = this.rng) {
    const valid = !forVectors && r.chance(0.85)
    if (op === 'exact' || op === 'is_not') {
      return r.weighted([
        [30, () => this.valueOfKind(kind, r)],
        [20, () => {
          const n = r.int(1, 4)
          const out = []
          for (let i = 0; i < n; i++) out.push(r.chance(0.75) ? this.valueOfKind(kind, r) : r.pick([...MISC_STRINGS, 5, 2.5, true, false, null]))
          return out
        }],
        [5, () => []],
        [10, () => r.pick([true, false, 'true', 'FALSE', 'True', ['true'], ['true', 'false'], [true, 'FALSE'], [false]])],
        [10, () => r.pick(MISC_STRINGS)],
        [5, null],
        [5, () => r.pick(NUMBERS)],
        [5, () => r.pick([...OBJECTS, ...ARRAYS])],
      ])
    }
    if (op === 'is_set' || op === 'is_not_set') return r.pick(['is_set', 'is_not_set', null, [], ''])
    if (STRING_OPS.includes(op)) {
      return r.weighted([
        [55, () => r.pick(SUBSTRINGS)],
        [20, () => this.valueOfKind(kind === 'date' ? 'enum' : kind, r)],
        [8, () => r.pick([5, 2.5, raw('5.0'), 1e21, 123456789.5, 1e-7, -0.5])],
        [5, () => r.pick([true, false])],
        [5, null],
        [7, () => r.pick(ARRAYS)],
      ])
    }
    if (op === 'regex' || op === 'not_regex') {
      return r.weighted([
        [55, () => r.pick(REGEX_VALID)],
        [14, () => r.pick(REGEX_INVALID)],
        [valid ? 4 : 20, () => r.pick(REGEX_NONPORTABLE)],
        [5, ''],
        [6, () => r.pick([4, 5, null, true, ['a', 'b'], 2.5, ['^pro$']])],
      ])
    }
    if (NUMERIC_OPS.includes(op)) {
      return r.weighted([
        [40, () => r.pick(NUMBERS)],
        [30, () => r.pick(NUMERIC_STRINGS)],
        [10, () => this.valueOfKind(kind === 'date' ? 'enum' : kind, r)],
        [8, () => r.pick(['1.2.3', 'b', 'B', 'ΟΔΟΣ', '😀', 'ｱ', 'pro'])],
        [4, null],
        [4, () => r.pick([true, false])],
        [4, () => r.pick([[5], ['10'], [1, 2], { a: 1 }])],
      ])
    }
    if (DATE_OPS.includes(op)) return r.pick(valid ? this.dateFilterValuesValid : this.dateFilterValues)
    if (SEMVER_OPS.includes(op)) {
      if (valid) return r.pick(op === 'semver_wildcard' ? SEMVER_WILDCARDS_VALID : SEMVERS_VALID)
      return r.weighted([
        [92, () => r.pick(SEMVER_FILTERS)],
        [8, () => r.pick([null, true, ['1.2.3'], 1, raw('1.0')])],
      ])
    }
    return r.chance(0.6) ? this.valueOfKind(kind === 'date' ? 'enum' : kind, r) : this.anyValue(r)
  }

  // A property filter on a person or group property. scope: 'person' or a group type index.
  propertyFilter(scope, kindOverride) {
    const r = this.rng
    let key
    let kind
    if (scope === 'person') {
      key = r.chance(0.04) ? '$group_key' : r.pick(this.personKeys)
      kind = key === '$group_key' ? 'groupkey' : this.kindOf(key, 'person')
    } else {
      key = r.chance(0.12) ? r.pick(this.personKeys) : r.pick(this.groupKeys)
      kind = GROUP_KEYS[key] ?? PERSON_KEYS[key]
    }
    if (kindOverride) kind = kindOverride
    const op = this.pickOperator(kind)
    const value = this.filterValue(op, kind)
    const filter = { key: checkName(key), value, operator: op, type: scope === 'person' ? 'person' : 'group' }
    if (scope !== 'person') filter.group_type_index = scope
    if (op === 'exact') {
      const form = r.int(0, 9)
      if (form === 0) delete filter.operator
      else if (form === 1) filter.operator = null
    }
    if (r.chance(0.03)) filter.negation = r.pick([true, false])
    if (r.chance(0.02)) filter.type = 'person_metadata'
    return filter
  }

  cohortFilter(cohortId) {
    const r = this.rng
    let value = cohortId
    if (typeof cohortId === 'number') {
      value = r.weighted([[60, cohortId], [30, String(cohortId)], [10, raw(`${cohortId}.0`)]])
    }
    const filter = { key: 'id', type: 'cohort', value }
    const op = r.weighted([[40, 'in'], [20, 'not_in'], [15, null], [20, undefined], [5, 'exact']])
    if (op !== undefined) filter.operator = op
    if (r.chance(0.05)) filter.negation = r.pick([true, false])
    return filter
  }

  flagFilter(target, value, chainMode = 'auto') {
    const r = this.rng
    const filter = {
      key: target,
      type: 'flag',
      value,
      operator: r.chance(0.95) ? 'flag_evaluates_to' : r.pick(['exact', null]),
    }
    this.flagFilters.push({ filter, chainMode })
    return filter
  }

  rollout() {
    const r = this.rng
    return r.weighted([
      [25, null],
      [15, undefined],
      [15, 100],
      [5, 0],
      [10, 50],
      [10, () => r.int(1, 99)],
      [12, () => r.pick([33.3, 0.1, 99.99, 66.67, 12.5, raw('50.0'), raw('100.0')])],
      [3, () => r.pick([-10, 150, 100.5])],
    ])
  }

  // ---- cohorts -------------------------------------------------------------------------------

  generateCohorts(count, flagKeys) {
    const r = this.rng.fork('cohorts')
    const saved = this.rng
    this.rng = r
    const ids = []
    let id = 100 + r.int(0, 50)
    for (let i = 0; i < count; i++) {
      ids.push(id)
      id += r.int(1, 40)
    }
    this.cohortIds = ids
    this.missingCohortIds = [ids[ids.length - 1] + 1000 + r.int(0, 99), 9000 + r.int(0, 999), 77]
    this.cohorts = {}
    this.cohortOrder = []
    ids.forEach((cid, index) => {
      const earlier = ids.slice(0, index)
      this.cohorts[String(cid)] = this.cohortDefinition(earlier, flagKeys, index)
      this.cohortOrder.push(cid)
    })
    this.rng = saved
    return this.cohorts
  }

  cohortLeaf(earlier, flagKeys, allowMissing) {
    const r = this.rng
    const roll = r.next()
    let leaf
    if (roll < 0.14 && earlier.length > 0) {
      const target = r.pick(earlier)
      leaf = { key: 'id', type: 'cohort', value: r.chance(0.7) ? target : String(target) }
      if (r.chance(0.3)) leaf.operator = r.pick(['in', 'not_in'])
    } else if (roll < 0.17 && allowMissing) {
      leaf = { key: 'id', type: 'cohort', value: r.pick(this.missingCohortIds) }
    } else if (roll < 0.24 && flagKeys.length > 0) {
      // Chains are filled in once every flag exists.
      leaf = this.flagFilter(r.pick(flagKeys), r.pick([true, true, false, 'control', 'test']))
    } else {
      leaf = this.propertyFilter('person')
    }
    const negation = r.weighted([[30, true], [30, false], [40, undefined]])
    if (negation !== undefined) leaf.negation = negation
    return leaf
  }

  leafGroup(type, earlier, flagKeys, allowMissing) {
    const n = this.rng.int(1, 4)
    const values = []
    for (let i = 0; i < n; i++) values.push(this.cohortLeaf(earlier, flagKeys, allowMissing))
    return { type, values }
  }

  cohortDefinition(earlier, flagKeys, index) {
    const r = this.rng
    // The first two cohorts never reference missing cohorts; later ones sometimes do.
    const allowMissing = index >= 3 && r.chance(0.15)
    const andOr = () => r.pick(['AND', 'OR'])
    return r.weighted([
      [5, () => ({})],
      [4, () => ({ type: 'AND', values: [] })],
      [4, () => ({ type: 'OR', values: [] })],
      [50, () => {
        const n = r.int(1, 3)
        const values = []
        for (let i = 0; i < n; i++) values.push(this.leafGroup('AND', earlier, flagKeys, allowMissing))
        return { type: 'OR', values }
      }],
      [20, () => this.leafGroup(andOr(), earlier, flagKeys, allowMissing)],
      [17, () => {
        const inner = []
        const n = r.int(1, 3)
        for (let i = 0; i < n; i++) {
          if (r.chance(0.2)) inner.push({ type: andOr(), values: [] })
          else if (r.chance(0.4)) {
            inner.push({ type: andOr(), values: [this.leafGroup(andOr(), earlier, flagKeys, allowMissing), this.leafGroup(andOr(), earlier, flagKeys, allowMissing)] })
          } else inner.push(this.leafGroup(andOr(), earlier, flagKeys, allowMissing))
        }
        return { type: andOr(), values: inner }
      }],
    ])
  }

  // ---- flags ---------------------------------------------------------------------------------

  multivariate() {
    const r = this.rng
    const n = r.weighted([[35, 2], [30, 3], [25, () => r.int(4, 6)], [10, () => r.int(8, 12)]])
    let keys = r.sample(VARIANT_KEYS, Math.min(n, VARIANT_KEYS.length))
    while (keys.length < n) keys.push(`v-${keys.length}`)
    if (r.chance(0.06)) keys[r.int(0, keys.length - 1)] = 'true'
    if (r.chance(0.03)) keys[r.int(0, keys.length - 1)] = ''
    keys = [...new Set(keys)]
    const count = keys.length
    const mode = r.weighted([[40, 'even'], [20, 'fractional'], [12, 'below'], [10, 'above'], [10, 'zero'], [5, 'null'], [3, 'single']])
    let pcts
    if (mode === 'even') {
      const base = Math.floor(100 / count)
      pcts = keys.map((_, i) => (i === 0 ? 100 - base * (count - 1) : base))
    } else if (mode === 'fractional') {
      const base = Math.floor((100 / count) * 100) / 100
      pcts = keys.map((_, i) => (i === count - 1 ? Math.round((100 - base * (count - 1)) * 100) / 100 : base))
    } else if (mode === 'below') {
      pcts = keys.map(() => r.pick([10, 20, 25, 12.5]))
    } else if (mode === 'above') {
      pcts = keys.map(() => r.pick([40, 60, 75]))
    } else if (mode === 'zero') {
      const base = Math.floor(100 / Math.max(1, count - 1))
      pcts = keys.map((_, i) => (i === 0 ? 0 : i === 1 ? 100 - base * (count - 2) : base))
    } else if (mode === 'null') {
      const base = Math.floor(100 / count)
      pcts = keys.map((_, i) => (i === 0 ? null : base))
    } else {
      pcts = keys.map((_, i) => (i === 0 ? 100 : 0))
    }
    const variants = keys.map((key, i) => {
      const v = { key: checkName(key) }
      if (r.chance(0.5)) v.name = `Variant ${key}`
      v.rollout_percentage = typeof pcts[i] === 'number' && Number.isInteger(pcts[i]) && r.chance(0.1) ? raw(`${pcts[i]}.0`) : pcts[i]
      return v
    })
    return { variants }
  }

  payloadValue() {
    const r = this.rng
    return r.chance(0.78) ? r.pick(PAYLOAD_STRINGS) : r.pick(PAYLOAD_OTHER)
  }

  payloads(flag, force) {
    const r = this.rng
    if (!force && r.chance(0.3)) return undefined
    if (!force && r.chance(0.05)) return {}
    const out = {}
    const variants = flag.filters.multivariate?.variants ?? []
    if (variants.length === 0 || r.chance(0.15)) {
      if (force || r.chance(0.8)) out['true'] = this.payloadValue()
    }
    for (const v of variants) if (force || r.chance(0.6)) out[v.key] = this.payloadValue()
    if (r.chance(0.15)) out['false'] = this.payloadValue()
    const holdout = flag.filters.holdout
    if (holdout && holdout.id !== null && (force || r.chance(0.6))) out[`holdout-${holdout.id}`] = this.payloadValue()
    if (r.chance(0.1)) out[r.pick(['unused', 'TRUE', 'Control'])] = this.payloadValue()
    return out
  }

  condition(flag, scope, opts = {}) {
    const r = this.rng
    const cond = {}
    const nProps = opts.nProps ?? r.weighted([[25, 0], [35, 1], [25, 2], [15, () => r.int(3, 4)]])
    const props = []
    for (let i = 0; i < nProps; i++) {
      if (scope === 'person' && this.cohortIds.length > 0 && r.chance(0.1)) props.push(this.cohortFilter(r.pick(this.cohortIds)))
      else props.push(this.propertyFilter(scope))
    }
    if (props.length > 0) cond.properties = props
    else {
      const form = r.weighted([[50, 'empty'], [20, 'null'], [30, 'absent']])
      if (form === 'empty') cond.properties = []
      else if (form === 'null') cond.properties = null
    }
    const rollout = opts.rollout !== undefined ? opts.rollout : this.rollout()
    if (rollout !== undefined) cond.rollout_percentage = rollout
    const variants = flag.filters.multivariate?.variants ?? []
    const variantRoll = r.next()
    if (variants.length > 0 && variantRoll < 0.2) cond.variant = r.pick(variants).key
    else if (variants.length > 0 && variantRoll < 0.25) cond.variant = r.pick(['nope', 'CONTROL', 'Test'])
    else if (variantRoll < 0.3) cond.variant = null
    else if (variants.length === 0 && variantRoll < 0.33) cond.variant = r.pick(['control', 'test'])
    if (r.chance(0.05)) cond.description = 'generated condition'
    if (r.chance(0.03)) cond.sort_key = `k${r.int(1, 9)}`
    return cond
  }

  newFlag(key, opts = {}) {
    const r = this.rng
    const flag = {
      id: this.nextFlagId++,
      team_id: 1,
      name: r.chance(0.5) ? `Flag ${key}` : '',
      key: checkName(key),
      active: opts.active ?? r.chance(0.93),
    }
    if (r.chance(0.5)) flag.deleted = false
    const continuity = opts.continuity ?? r.chance(0.012)
    if (continuity || r.chance(0.6)) flag.ensure_experience_continuity = continuity
    flag.version = r.int(1, 40)
    const runtime = r.weighted([[25, 'all'], [20, 'server'], [10, 'client'], [15, null], [30, undefined]])
    if (runtime !== undefined) flag.evaluation_runtime = runtime
    this.assignContexts(flag, opts)
    const bucketing = opts.device ? 'device_id' : r.weighted([[10, 'distinct_id'], [3, ''], [10, null], [77, undefined]])
    if (bucketing !== undefined) flag.bucketing_identifier = bucketing
    if (r.chance(0.3)) flag.has_experiment = r.chance(0.3)
    flag.filters = {}
    return flag
  }

  assignContexts(flag, opts) {
    const r = this.rng
    const filtering = Array.isArray(this.cfg.evaluationContexts) && this.cfg.evaluationContexts.length > 0
    let p = filtering ? 0.35 : 0.15
    if (opts.contexts === 'filtered') p = 1
    if (opts.contexts === 'none') p = 0
    if (!r.chance(p)) return
    const lists = [['web'], ['api'], ['mobile'], ['Web'], ['web', 'mobile'], ['server'], ['api', 'server'], [], ['docs', 'WEB']]
    let list = r.pick(lists)
    if (opts.contexts === 'filtered') list = ['never-configured', 'Web']
    const form = opts.contexts === 'filtered' ? 'contexts' : r.weighted([[60, 'contexts'], [28, 'tags'], [6, 'empty+tags'], [6, 'null+tags']])
    if (form === 'contexts') flag.evaluation_contexts = list
    else if (form === 'tags') flag.evaluation_tags = list
    else if (form === 'empty+tags') {
      flag.evaluation_contexts = []
      flag.evaluation_tags = ['never-configured']
    } else {
      flag.evaluation_contexts = null
      flag.evaluation_tags = list
    }
  }

  // A flag of the given recipe. recipe.kind: person | group | mixed.
  buildFlag(key, recipe = {}) {
    const r = this.rng
    const flag = this.newFlag(key, recipe)
    const f = flag.filters
    const kind = recipe.kind ?? r.weighted([[72, 'person'], [16, 'group'], [12, 'mixed']])
    let scope = 'person'
    if (kind === 'group') {
      const index = recipe.unmapped ? r.pick(this.unmappedIndexes) : r.pick(this.mappedIndexes)
      f.aggregation_group_type_index = index
      scope = index
    } else if (r.chance(0.5)) {
      f.aggregation_group_type_index = null
    }
    if (recipe.multivariate ?? r.chance(0.35)) f.multivariate = this.multivariate()
    else if (r.chance(0.2)) f.multivariate = r.chance(0.5) ? null : { variants: [] }
    if (recipe.holdout !== undefined) f.holdout = recipe.holdout
    else if (r.chance(0.06)) f.holdout = r.pick(HOLDOUTS)
    else if (r.chance(0.05)) f.holdout = null
    if (recipe.earlyExit !== undefined) f.early_exit = recipe.earlyExit
    else if (r.chance(0.15)) f.early_exit = r.chance(0.6)
    const nConds = recipe.nConds ?? r.weighted([[35, 1], [35, 2], [20, 3], [10, () => r.int(4, 6)]])
    f.groups = []
    for (let i = 0; i < nConds; i++) {
      let condScope = scope
      let aggregation
      if (kind === 'mixed') {
        aggregation = r.weighted([
          [40, () => r.pick(this.mappedIndexes)],
          [10, () => r.pick(this.unmappedIndexes)],
          [25, null],
          [25, undefined],
        ])
        if (typeof aggregation === 'number') condScope = aggregation
      } else if (kind === 'group' && r.chance(0.08)) {
        // A group flag's condition that names another group type, or explicitly none.
        aggregation = r.pick([null, r.pick(this.mappedIndexes)])
        if (typeof aggregation === 'number') condScope = aggregation
      }
      const cond = this.condition(flag, condScope, recipe.condOpts ?? {})
      if (aggregation !== undefined) cond.aggregation_group_type_index = aggregation
      f.groups.push(cond)
    }
    const payloads = this.payloads(flag, recipe.payloads)
    if (payloads !== undefined) f.payloads = payloads
    return flag
  }

  // ---- dependency chains -----------------------------------------------------------------------

  // Fills in dependency_chain on every flag filter, the way the server does: a topologically
  // ordered list of every flag the dependency reaches (through flag filters, and flag leaves in
  // the cohorts its conditions reference), ending with the dependency itself. A dependency that
  // reaches a cycle gets [], a missing flag is listed as it is.
  fillChains(flags) {
    const byKey = new Map(flags.map((flag) => [flag.key, flag]))
    const cohortDeps = new Map()
    const depsOfGroup = (group, out) => {
      for (const value of group?.values ?? []) {
        if (value && 'values' in value) depsOfGroup(value, out)
        else if (value?.type === 'flag') out.push(value.key)
        else if (value?.type === 'cohort') for (const k of depsOfCohort(String(unraw(value.value)))) out.push(k)
      }
      return out
    }
    const depsOfCohort = (cid) => {
      if (!cohortDeps.has(cid)) cohortDeps.set(cid, this.cohorts[cid] ? depsOfGroup(this.cohorts[cid], []) : [])
      return cohortDeps.get(cid)
    }
    const directDeps = (key) => {
      const flag = byKey.get(key)
      const out = []
      for (const cond of flag.filters.groups ?? []) {
        for (const prop of cond.properties ?? []) {
          if (prop.type === 'flag') out.push(prop.key)
          else if (prop.type === 'cohort') for (const k of depsOfCohort(String(unraw(prop.value)))) out.push(k)
        }
      }
      return [...new Set(out)]
    }
    const chainOf = (target) => {
      const order = []
      const state = new Map()
      let cyclic = false
      const visit = (key) => {
        if (cyclic) return
        const s = state.get(key)
        if (s === 'done') return
        if (s === 'active') {
          cyclic = true
          return
        }
        state.set(key, 'active')
        if (byKey.has(key)) for (const dep of directDeps(key)) visit(dep)
        state.set(key, 'done')
        order.push(key)
      }
      visit(target)
      return cyclic ? [] : order
    }
    const stats = { correct: 0, cyclic: 0, missing: 0, forcedEmpty: 0, absent: 0 }
    for (const { filter, chainMode } of this.flagFilters) {
      if (chainMode === 'absent') {
        stats.absent++
        continue
      }
      if (chainMode === 'empty') {
        filter.dependency_chain = []
        stats.forcedEmpty++
        continue
      }
      const chain = chainOf(filter.key)
      filter.dependency_chain = chain
      if (chain.length === 0) stats.cyclic++
      else if (chain.some((k) => !byKey.has(k))) stats.missing++
      else stats.correct++
    }
    return stats
  }

  // ---- the document --------------------------------------------------------------------------

  generate() {
    const r = this.rng
    const cfg = this.cfg
    const seed = cfg.seed
    const flagCount = r.int(58, 72)
    const cohortCount = r.int(5, 15)
    const words = r.shuffle(FLAG_WORDS)
    const keys = []
    const special = [`s${seed}-ünïcode`, `s${seed}-旗`, `s${seed}-🚀-rocket`, `s${seed}-with space`, `s${seed}-UPPER`, `s${seed}-upper`]
    for (let i = 0; keys.length < flagCount - special.length; i++) keys.push(`s${seed}-${words[i % words.length]}-${i}`)
    keys.push(...special)
    const planned = r.shuffle(keys)
    this.generateCohorts(cohortCount, planned)
    const flags = []
    const tags = new Map() // flag key -> Set of scenario tags, for coverage accounting
    const take = () => {
      if (planned.length === 0) throw new Error(`seed ${seed}: more scenario flags than planned keys`)
      return planned.shift()
    }
    const add = (flag, ...t) => {
      flags.push(flag)
      tags.set(flag.key, new Set(t))
      return flag
    }
    const filtering = Array.isArray(cfg.evaluationContexts) && cfg.evaluationContexts.length > 0
    // Scenario flags that every seed has.
    const holdoutChoices = r.sample(HOLDOUTS, 3)
    add(this.buildFlag(take(), { kind: 'person', holdout: holdoutChoices[0], contexts: 'none' }), 'holdout')
    add(this.buildFlag(take(), { kind: 'person', holdout: holdoutChoices[1], multivariate: true, payloads: true, contexts: 'none' }), 'holdout', 'multivariate', 'payloads')
    add(this.buildFlag(take(), { kind: r.pick(['group', 'person']), holdout: holdoutChoices[2], contexts: 'none' }), 'holdout')
    add(this.buildFlag(take(), { kind: 'person', device: true, contexts: 'none' }), 'device')
    add(this.buildFlag(take(), { kind: 'person', device: true, multivariate: true, contexts: 'none' }), 'device', 'multivariate')
    add(this.buildFlag(take(), { kind: 'group', device: true, contexts: 'none' }), 'device', 'group')
    add(this.buildFlag(take(), { kind: 'mixed', device: true, contexts: 'none' }), 'device', 'mixed')
    const inactive = add(this.buildFlag(take(), { active: false, contexts: 'none' }), 'inactive')
    const continuity = add(this.buildFlag(take(), { active: true, continuity: true, contexts: 'none' }), 'continuity')
    add(this.buildFlag(take(), { active: false, continuity: true, contexts: 'none' }), 'inactive', 'continuity')
    const empty = add(this.newFlag(take(), { active: true, contexts: 'none' }), 'filters-empty')
    empty.filters = {}
    const noGroups = add(this.buildFlag(take(), { active: true, contexts: 'none' }), 'groups-empty')
    noGroups.filters.groups = []
    add(this.buildFlag(take(), { kind: 'person', earlyExit: true, nConds: 3, active: true, contexts: 'none', condOpts: { rollout: 30 } }), 'early_exit')
    add(this.buildFlag(take(), { kind: 'person', earlyExit: true, nConds: 2, multivariate: true, active: true, contexts: 'none' }), 'early_exit', 'multivariate')
    const groupFlags = []
    for (let i = 0; i < 3; i++) groupFlags.push(add(this.buildFlag(take(), { kind: 'group', active: true, contexts: 'none' }), 'group'))
    add(this.buildFlag(take(), { kind: 'group', unmapped: true, active: true, contexts: 'none' }), 'group', 'group-unmapped')
    add(this.buildFlag(take(), { kind: 'mixed', nConds: 4, active: true, contexts: 'none' }), 'mixed')
    add(this.buildFlag(take(), { kind: 'mixed', nConds: 3, multivariate: true, active: true, contexts: 'none' }), 'mixed', 'multivariate')
    const multivariates = []
    for (let i = 0; i < 3; i++) multivariates.push(add(this.buildFlag(take(), { kind: 'person', multivariate: true, payloads: true, active: true, contexts: 'none' }), 'multivariate', 'payloads'))
    add(this.buildFlag(take(), { kind: 'person', payloads: true, multivariate: false, active: true, contexts: 'none', condOpts: { nProps: 0, rollout: 100 } }), 'payloads')
    // Regex rules across conditions with variant overrides (deferred regex values).
    const regexFlag = add(this.buildFlag(take(), { kind: 'person', multivariate: true, nConds: 3, active: true, contexts: 'none' }), 'regex-multi', 'multivariate')
    for (const cond of regexFlag.filters.groups) {
      cond.properties = [{ key: r.pick(['email', 'name', 'plan']), type: 'person', operator: r.pick(['regex', 'not_regex']), value: r.pick(REGEX_VALID) }]
    }
    // Missing (static) cohorts: in the first condition, and in a later one.
    const missingFirst = add(this.buildFlag(take(), { kind: 'person', nConds: 2, active: true, contexts: 'none' }), 'missing-cohort')
    missingFirst.filters.groups[0].properties = [this.cohortFilter(r.pick(this.missingCohortIds))]
    const missingLater = add(this.buildFlag(take(), { kind: 'person', nConds: 3, active: true, contexts: 'none' }), 'missing-cohort')
    missingLater.filters.groups[0] = { properties: [this.propertyFilter('person')], rollout_percentage: 100 }
    missingLater.filters.groups[2].properties = [this.propertyFilter('person'), this.cohortFilter(r.pick(this.missingCohortIds))]
    const missingAlone = add(this.buildFlag(take(), { kind: 'person', nConds: 2, active: true, contexts: 'none' }), 'missing-cohort')
    missingAlone.filters.groups[1] = { properties: [this.cohortFilter(r.pick(this.missingCohortIds))], rollout_percentage: null }
    // A cohort flag, whose context aiming usually matches.
    const cohortFlag = add(this.buildFlag(take(), { kind: 'person', nConds: 2, active: true, contexts: 'none' }), 'cohort')
    cohortFlag.filters.groups[0].properties = [this.cohortFilter(r.pick(this.cohortIds))]
    // A flag filtered out by the evaluation contexts (in every seed: only filtered where configured).
    const filteredTarget = add(this.buildFlag(take(), { kind: 'person', active: true, contexts: 'filtered' }), filtering ? 'filtered' : 'contexts-unfiltered')
    // Dependencies.
    const depBase = add(this.buildFlag(take(), { kind: 'person', multivariate: true, active: true, contexts: 'none' }), 'dep-target', 'multivariate')
    const depMid = add(this.buildFlag(take(), { kind: 'person', active: true, contexts: 'none' }), 'dependency')
    depMid.filters.groups[0].properties = (depMid.filters.groups[0].properties ?? []).concat([this.flagFilter(depBase.key, r.pick([true, depBase.filters.multivariate.variants[0].key]))])
    const depTop = add(this.buildFlag(take(), { kind: 'person', active: true, contexts: 'none' }), 'dependency')
    depTop.filters.groups[0].properties = [this.flagFilter(depMid.key, true)]
    depTop.filters.groups.push({ properties: [this.flagFilter(depBase.key, false)], rollout_percentage: null })
    const depOn = (target, value, chainMode, tag) => {
      const flag = add(this.buildFlag(take(), { kind: 'person', active: true, contexts: 'none', nConds: r.int(1, 2) }), 'dependency', tag)
      const cond = flag.filters.groups[r.int(0, flag.filters.groups.length - 1)]
      cond.properties = (r.chance(0.5) ? cond.properties ?? [] : []).concat([this.flagFilter(target, value, chainMode)])
      return flag
    }
    const selfFlag = add(this.buildFlag(take(), { kind: 'person', active: true, contexts: 'none', nConds: 2 }), 'dependency', 'dep-self')
    selfFlag.filters.groups[0].properties = [this.flagFilter(selfFlag.key, true)]
    const cycleA = add(this.buildFlag(take(), { kind: 'person', active: true, contexts: 'none', nConds: 2 }), 'dependency', 'dep-cycle')
    const cycleB = add(this.buildFlag(take(), { kind: 'person', active: true, contexts: 'none', nConds: 1 }), 'dependency', 'dep-cycle')
    cycleA.filters.groups[0].properties = [this.flagFilter(cycleB.key, true)]
    cycleB.filters.groups[0].properties = [this.flagFilter(cycleA.key, false)]
    depOn(cycleA.key, true, 'auto', 'dep-cycle')
    depOn(`s${seed}-ghost-1`, true, 'auto', 'dep-missing')
    depOn(`s${seed}-ghost-2`, false, 'empty', 'dep-missing')
    depOn(depBase.key, true, 'absent', 'dep-nochain')
    depOn(inactive.key, false, 'auto', 'dep-inactive')
    depOn(inactive.key, true, 'auto', 'dep-inactive')
    depOn(groupFlags[0].key, true, 'auto', 'dep-group')
    depOn(groupFlags[1].key, false, 'auto', 'dep-group')
    depOn(continuity.key, true, 'auto', 'dep-continuity')
    depOn(flags.find((flag) => tags.get(flag.key).has('device')).key, true, 'auto', 'dep-device')
    depOn(filteredTarget.key, false, 'auto', 'dep-filtered')
    depOn(filteredTarget.key, true, 'auto', 'dep-filtered')
    depOn(depBase.key, r.pick(depBase.filters.multivariate.variants).key, 'auto', 'dep-variant')
    depOn(depBase.key, 'true', 'auto', 'dep-variant')
    depOn(multivariates[0].key, r.pick(['nope', 1, null, ['control']]), 'auto', 'dep-odd-value')
    // The rest are random.
    while (planned.length > 0) {
      const flag = add(this.buildFlag(take(), {}), 'random')
      if (flag.filters.aggregation_group_type_index !== undefined && flag.filters.aggregation_group_type_index !== null) tags.get(flag.key).add('group')
    }
    // Random dependencies between random flags; a few become cycles, whose chains are [].
    const keysNow = flags.map((flag) => flag.key)
    for (const flag of flags) {
      if (!tags.get(flag.key).has('random') || !r.chance(0.12) || !flag.filters.groups?.length) continue
      const cond = r.pick(flag.filters.groups)
      const target = r.pick(keysNow)
      cond.properties = (cond.properties ?? []).concat([this.flagFilter(target, r.pick([true, false, 'control', 'test']))])
      tags.get(flag.key).add('dependency')
    }
    const chainStats = this.fillChains(flags)
    // Tag cohort users and missing-cohort users among the random flags too.
    for (const flag of flags) {
      for (const cond of flag.filters.groups ?? []) {
        for (const prop of cond.properties ?? []) {
          if (prop.type === 'cohort') {
            tags.get(flag.key).add(this.cohorts[String(unraw(prop.value))] ? 'cohort' : 'missing-cohort')
          }
          if (prop.type === 'flag') tags.get(flag.key).add('dependency')
        }
      }
      if (flag.filters.holdout) tags.get(flag.key).add('holdout')
      if (flag.filters.early_exit) tags.get(flag.key).add('early_exit')
      if (flag.bucketing_identifier === 'device_id') tags.get(flag.key).add('device')
      if (flag.filters.payloads && Object.keys(flag.filters.payloads).length) tags.get(flag.key).add('payloads')
      if (!flag.active) tags.get(flag.key).add('inactive')
    }
    const doc = {
      flags: r.shuffle(flags),
      group_type_mapping: this.mapping,
      cohorts: this.cohorts,
    }
    if (cfg.propertyMatchingVersion !== undefined) doc.property_matching_version = cfg.propertyMatchingVersion
    if (r.chance(0.5)) doc.minimal_flag_called_events = r.chance(0.5)
    return { doc, tags, chainStats }
  }
}

