// Generates evaluation contexts (case inputs). About half of them are "aimed" at a flag: the
// generator reads the flag's conditions and fills the context with values derived from the filter
// values, so that matches, near misses and boundary values actually happen.
import { raw, unraw } from './json.mjs'
import { parseStrictDate } from './strictdate.mjs'
import {
  PERSON_KEYS,
  GROUP_KEYS,
  IDS,
  EMAILS,
  UNICODE,
  GROUP_KEY_VALUES,
  REGEX_SUBJECTS,
  DATE_LENIENT,
  formatStrict,
} from './pools.mjs'

const DAY = 86400000

function caseVariant(text, r) {
  return r.weighted([
    [3, text],
    [2, () => text.toUpperCase()],
    [2, () => text.toLowerCase()],
    [1, () => text.charAt(0).toUpperCase() + text.slice(1)],
  ])
}

function semverParts(value) {
  const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(String(value))
  if (!m) return null
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]
}

export class CaseGen {
  constructor(rng, gen, doc, tags) {
    this.rng = rng
    this.gen = gen // the DocGen (pools, mapping, cohorts)
    this.doc = doc
    this.tags = tags
    this.flagsByKey = new Map(doc.flags.map((flag) => [flag.key, flag]))
    this.keys = doc.flags.map((flag) => flag.key)
    this.groupNames = Object.values(gen.mapping)
  }

  distinctId() {
    const r = this.rng
    return r.weighted([
      [70, () => `user-${r.int(1, 400)}`],
      [8, () => r.pick(IDS)],
      [8, () => r.pick(EMAILS.filter((e) => e !== ''))],
      [5, () => String(r.int(1, 99999))],
      [5, () => r.pick(UNICODE)],
      [4, () => `${r.pick(['u', 'U', 'id'])}_${r.int(1, 50)}`],
    ])
  }

  contextValue(key, scope) {
    const r = this.rng
    const kind = (scope === 'person' ? PERSON_KEYS : GROUP_KEYS)[key] ?? 'enum'
    if (key === '$device_id') return r.weighted([[70, () => `dev-${r.int(1, 60)}`], [12, ''], [12, null], [6, () => r.pick(IDS)]])
    if (kind === 'date' && r.chance(0.012)) return r.pick(DATE_LENIENT)
    return r.weighted([
      [80, () => this.gen.valueOfKind(kind, r)],
      [14, () => this.gen.anyValue(r)],
      [6, null],
    ])
  }

  randomProps(keys, scope, p) {
    const out = {}
    for (const key of this.rng.shuffle(keys)) {
      // The caller's own distinct_id / $device_id win over the injected ones: keep those rarer,
      // so that the injection itself is what most cases exercise.
      const pk = scope === 'person' && key === 'distinct_id' ? 0.06 : scope === 'person' && key === '$device_id' ? 0.2 : p
      if (this.rng.chance(pk)) out[key] = this.contextValue(key, scope)
    }
    return out
  }

  // ---- aiming --------------------------------------------------------------------------------

  aimedValue(filter) {
    const r = this.rng
    const op = filter.operator ?? 'exact'
    const v = unraw(filter.value)
    const text = typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : String(v)
    switch (op) {
      case 'exact':
      case 'is_not': {
        let base = Array.isArray(v) ? (v.length > 0 ? r.pick(filter.value) : this.gen.anyValue(r)) : filter.value
        if (typeof unraw(base) === 'string' && r.chance(0.35)) base = caseVariant(unraw(base), r)
        if (r.chance(0.15)) base = r.pick([true, false, 'true', 'TRUE', 'False', 'false', 2.5, raw('2.50')])
        return base
      }
      case 'icontains':
      case 'not_icontains':
        return r.weighted([
          [5, () => `${r.pick(['', 'x', 'Pre-', 'ü'])}${caseVariant(text, r)}${r.pick(['', 'y', '-post', 'Σ'])}`],
          [2, () => this.gen.anyValue(r)],
          [1, () => r.pick([5, 2.5, 1e21, 123456789.5, 1e-7, true, null, ['a', text], { a: text }])],
        ])
      case 'starts_with':
      case 'not_starts_with':
        return r.chance(0.8) ? `${caseVariant(text, r)}${r.pick(['', 'tail', ' x', '😀'])}` : this.gen.anyValue(r)
      case 'ends_with':
      case 'not_ends_with':
        return r.chance(0.8) ? `${r.pick(['', 'head', 'x ', 'ß'])}${caseVariant(text, r)}` : this.gen.anyValue(r)
      case 'regex':
      case 'not_regex':
        return r.chance(0.85) ? r.pick(REGEX_SUBJECTS) : r.pick([5, 12, 2.5, true, null, ['a', 'b'], 'abc\r\n'])
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const n = typeof v === 'number' ? v : parseFloat(text)
        if (Number.isFinite(n)) {
          return r.pick([n, n - 1, n + 1, n + 0.5, String(n), String(n + 1), ` ${n}`, `${n}abc`, raw(`${n}`.includes('.') || `${n}`.includes('e') ? `${n}` : `${n}.0`), [n], null, 'zzz'])
        }
        return r.pick([text, `${text}a`, Array.from(text).slice(0, -1).join(''), 'a', 'Z', '😀', 'ｱ', 5, '10'])
      }
      case 'is_date_before':
      case 'is_date_after': {
        let ms = null
        if (typeof v === 'number') ms = v
        else if (typeof v === 'string' || Array.isArray(v)) {
          const rel = this.gen.relativeDate(String(v))
          ms = rel ? rel.getTime() : parseStrictDate(String(v))
        }
        if (ms === null || !Number.isFinite(ms) || Math.abs(ms) > 8.6e15) return this.contextValue('signup_date', 'person')
        const t = ms + r.pick([0, 0, 1, -1, 1000, -1000, DAY, -DAY, 30 * DAY, -30 * DAY])
        if (Math.abs(t) > 8.64e15) return t > 0 ? 8.64e15 : -8.64e15
        return r.chance(0.8) ? formatStrict(t, r.pick(['full', 'offset', 'YMD', 'YMDhms', 'micro', 'lower', 'space', 'YMDhm']), r) : t
      }
      case 'semver_eq':
      case 'semver_neq':
      case 'semver_gt':
      case 'semver_gte':
      case 'semver_lt':
      case 'semver_lte':
      case 'semver_tilde':
      case 'semver_caret':
      case 'semver_wildcard': {
        const parts = semverParts(text)
        if (!parts) return this.contextValue('app_version', 'person')
        const [a, b, c] = parts
        const versions = [
          [a, b, c], [a, b, c + 1], [a, b + 1, 0], [a + 1, 0, 0], [a, b, Math.max(0, c - 1)], [a, Math.max(0, b - 1), 9], [Math.max(0, a - 1), 9, 9], [a, b + 1, c],
        ]
        const [x, y, z] = r.pick(versions)
        return r.weighted([
          [6, `${x}.${y}.${z}`],
          [1, `v${x}.${y}.${z}`],
          [1, `${x}.${y}.${z}-beta`],
          [1, `${x}.${y}`],
          [1, ` ${x}.${y}.${z}.7 `],
          [1, `${x}.${y}.${z}+build.5`],
          [1, `0${x}.${y}.${z}`],
        ])
      }
      case 'is_set':
      case 'is_not_set':
        return this.gen.anyValue(r)
      default:
        return this.gen.anyValue(r)
    }
  }

  aimCohort(cohortId, person, depth) {
    const group = this.doc.cohorts[String(cohortId)]
    if (!group) return
    this.aimGroup(group, person, depth)
  }

  aimGroup(group, person, depth) {
    const r = this.rng
    const values = group.values ?? []
    if (values.length === 0 || depth > 6) return
    const chosen = group.type === 'OR' ? [r.pick(values)] : values
    for (const value of chosen) {
      if (value && 'values' in value) this.aimGroup(value, person, depth + 1)
      else this.aimLeaf(value, person, depth + 1)
    }
  }

  aimLeaf(filter, props, depth) {
    if (filter.type === 'cohort') return this.aimCohort(unraw(filter.value), props, depth + 1)
    if (filter.type === 'flag') return this.aimFlag(filter.key, depth + 1)
    if (filter.negation && this.rng.chance(0.5)) return
    props[filter.key] = this.aimedValue(filter)
  }

  aimFlag(key, depth = 0) {
    const r = this.rng
    const flag = this.flagsByKey.get(key)
    if (!flag || depth > 4) return
    const conds = flag.filters.groups ?? []
    if (conds.length === 0) return
    const cond = r.pick(conds)
    const flagAgg = flag.filters.aggregation_group_type_index
    const agg = cond.aggregation_group_type_index !== undefined ? cond.aggregation_group_type_index : flagAgg
    let props = this.input.person_properties
    const index = typeof agg === 'number' ? agg : typeof flagAgg === 'number' ? flagAgg : null
    if (index !== null) {
      const name = this.gen.mapping[String(index)]
      if (name && r.chance(0.85)) {
        if (!(name in this.input.groups)) this.input.groups[name] = r.pick(GROUP_KEY_VALUES)
        this.input.group_properties[name] ??= {}
        props = this.input.group_properties[name]
      }
    }
    for (const filter of cond.properties ?? []) this.aimLeaf(filter, props, depth)
  }

  // ---- a case --------------------------------------------------------------------------------

  generate(kind) {
    const r = this.rng
    const input = {}
    if (kind === 'single') {
      input.flag = r.chance(0.97)
        ? r.pick(this.keys)
        : r.weighted([
            [3, () => `s${this.gen.cfg.seed}-not-defined-${r.int(1, 9)}`],
            [2, () => r.pick(this.keys).toUpperCase()],
            [1, () => ` ${r.pick(this.keys)}`],
            [1, () => `${r.pick(this.keys)} `],
          ])
    }
    input.distinct_id = this.distinctId()
    const device = r.weighted([[55, undefined], [38, () => `dev-${r.int(1, 60)}`], [4, ''], [3, () => r.pick(IDS)]])
    if (device !== undefined) input.device_id = device
    input.person_properties = this.randomProps(this.gen.personKeys, 'person', r.pick([0.25, 0.55, 0.8, 0.95]))
    if (r.chance(0.03)) input.person_properties.distinct_id = r.chance(0.5) ? input.distinct_id : this.distinctId()
    input.groups = {}
    input.group_properties = {}
    for (const name of this.groupNames) {
      if (!r.chance(0.45)) continue
      input.groups[name] = r.chance(0.9) ? r.pick(GROUP_KEY_VALUES) : r.pick(['', `g-${r.int(1, 99)}`, 'ΟΔΟΣ'])
      if (r.chance(0.7)) {
        input.group_properties[name] = this.randomProps(this.gen.groupKeys, 'group', r.pick([0.3, 0.6, 0.85]))
      }
    }
    if (r.chance(0.05)) input.groups.unknown_type = 'x'
    if (r.chance(0.05)) input.group_properties[r.pick(['orphan', ...this.groupNames])] = { tier: r.pick(['pro', 'free']) }
    this.input = input
    if (kind === 'single' && this.flagsByKey.has(input.flag) && r.chance(0.6)) {
      this.aimFlag(input.flag)
    } else if (kind === 'all' && r.chance(0.5)) {
      for (let i = r.int(1, 3); i > 0; i--) this.aimFlag(r.pick(this.keys))
    }
    // Perturb: drop or null a key, so aimed contexts also miss and go inconclusive.
    if (r.chance(0.2)) {
      const keys = Object.keys(input.person_properties)
      if (keys.length > 0) {
        const key = r.pick(keys)
        if (r.chance(0.5)) delete input.person_properties[key]
        else input.person_properties[key] = null
      }
    }
    this.input = undefined
    return input
  }
}
