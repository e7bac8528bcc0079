// Value pools. Filters and contexts draw from the same small pools so that operators see
// matches, non-matches and inconclusive outcomes.
import { raw } from './json.mjs'

// Property keys, each with the kind of value it usually holds. None is an Object.prototype
// member name (those hang or crash the reference).
export const PERSON_KEYS = {
  email: 'email',
  plan: 'enum',
  country: 'enum',
  $browser: 'enum',
  role: 'enum',
  age: 'number',
  score: 'number',
  count: 'number',
  app_version: 'semver',
  version: 'semver',
  signup_date: 'date',
  last_seen: 'date',
  created_at: 'date',
  tags: 'array',
  is_beta: 'bool',
  nested: 'object',
  name: 'unicode',
  city: 'unicode',
  distinct_id: 'id',
  $device_id: 'id',
}

export const GROUP_KEYS = {
  name: 'unicode',
  tier: 'enum',
  industry: 'enum',
  size: 'number',
  $group_key: 'groupkey',
  founded: 'date',
  sdk_version: 'semver',
  features: 'array',
}

export const FORBIDDEN_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype).concat(['__proto__']))

export const ENUMS = [
  'pro', 'Pro', 'PRO', 'free', 'Free', 'enterprise', 'Enterprise', '', 'US', 'us', 'GB', 'de', 'DE',
  'Chrome', 'chrome', 'Safari', 'Firefox', 'Mobile Safari', 'admin', 'Admin', 'beta', 'true', 'FALSE',
]

export const UNICODE = [
  'ΟΔΟΣ', 'οδος', 'οδοσ', 'Σ', 'ς', 'σ', 'İstanbul', 'istanbul', 'i̇stanbul', 'ISTANBUL', 'ıspanak',
  'Москва', 'МОСКВА', 'москва', '東京', '😀', '😀 party', 'ｱｲｳ', '￡', 'café', 'CAFÉ', 'Café', 'straße',
  'STRASSE', 'ẞ', 'K', 'kelvin K', 'Ǆemal', 'ǆemal', 'Zoë', 'ZOË', 'naïve', 'Ωmega', 'ωmega',
]

export const EMAILS = [
  'alice@example.com', 'Bob@Example.COM', 'carol@test.io', 'dave@EXAMPLE.com', 'eve@posthog.com',
  'frank@Posthog.com', 'zoë@exämple.com', 'ΣΩΣ@mail.gr', 'no-at-sign', '', '@example.com', 'x@y',
]

export const MISC_STRINGS = [
  'true', 'TRUE', 'True', 'false', 'FALSE', 'null', 'None', '42', '042', ' 7', '1e3', '123aloha', '5',
  '5.0', '2.5', '-3', '0', 'Infinity', 'NaN', 'abc', 'ABC', 'a\r\nb', 'line\rbreak', 'tab\there',
  'hello world', 'Hello World', 'x', '',
]

export const NUMBERS = [
  5, raw('5.0'), 2.5, -1, -2.5, 0, raw('0.0'), raw('1e21'), 1e21, raw('1e-7'), 42, 100, 0.1, 7, 1.5,
  99.99, 3, 18, 21, 65, raw('1E3'), 123456789.5, 0.30000000000000004, raw('-0.0'), -7.25, 1e-7,
]

export const NUMERIC_STRINGS = ['42', '042', ' 7', '1e3', '123aloha', '5', '5.0', '2.5', '-3', '0', '100', '18', 'Infinity', 'abc', '']

export const SEMVERS = [
  '1.2.3', 'v1.2.3', 'V1.2.3', ' 1.2.3 ', '1.2', '1', '1.2.3-alpha', '1.2.3+build', '1.2.3-rc.1+b5', '1.2.3.4',
  '01.2.3', '1.07.0', '1..3', '.1.2', '', 'abc', '1.2.*', '1.*', '1.*.*', '*', '0.0.3', '0.0.4', '0.1.0',
  '0.1.5', '0.2.0', '0.0.0', '2.0.0', '1.3.0', '1.2.4', '1.2.2', '1.10.0', 'v2', '10.0.0', '1.2.3-', '1.2.x',
]
export const SEMVER_FILTERS = SEMVERS.concat([1.2, 2, '0.0', '0.0.*', '0.*', 'v0.2.*', '1.2.3.*', '2.*', '1.1'])

export const ARRAYS = [
  [], ['pro', 'free'], ['PRO'], ['pro'], [1, 2], [2.5], [true], [null], ['a', null], [2.5, 'x'],
  [['nested', 'x']], [false, 'true'], ['true', 'FALSE'], ['beta', 'admin'], ['ΟΔΟΣ'], [{}], [raw('5.0')],
]

export const OBJECTS = [{}, { a: 'x' }, { b: 2.5, a: 'y' }, { n: { k: 'v' } }, { i: 1 }, { 'ü': [true, null] }]

export const BOOLS = [true, false, 'true', 'FALSE', 'True', 'yes', 0, 1.5]

export const IDS = ['user-1', 'user-2', 'User-1', '12345', 'ユーザー', 'üser', '😀', ' spaced ', 'dev-abc', 'a\r\nb']

export const GROUP_KEY_VALUES = ['acme', 'globex', 'Acme', 'g-12', 'ÜberCorp', '42', 'initech', 'umbrella']

export const SUBSTRINGS = [
  'pro', 'PRO', 'Pr', '@example', '@EXAMPLE.COM', '.com', 'ο', 'Σ', 'ς', 'é', 'É', 'ß', 'SS', 'i̇', 'İ',
  '😀', '', 'a', 'ice', 'true', '5', '2.5', 'null', 'e+21', '1.2', 'k', 'K',
]

export const REGEX_VALID = [
  '^pro$', 'pro', '^[a-z]+$', '\\d{2,3}', '^\\w+@\\w+\\.com$', '\\s', 'pro|free', '^(?:a|b)c',
  '[A-Z]{2}', '^x{0,100}$', '^.{1,5}$', '\\.com$', '^$', '[^a-z]', '\\x41', 'e?m', '^[0-9]+(?:\\.[0-9]+)?$',
  '^-?\\d+$', 'a.c', '^\\S+$', '\\W', '^(pro|enterprise)$', '^[Pp]ro', 'b{2}', 'true', '^5$', '\\d',
]
export const REGEX_INVALID = ['?*', '(', '[z-a]', 'a**', 'a{2,1}', ')', '[', '\\']
export const REGEX_NONPORTABLE = [
  '(?=a)', '(a)\\1', '\\bword', 'é', 'café$', '(?i)pro', '\\p{L}', '^?a', '{2}a', '[[:alpha:]]', '[\\s-9]',
  '(?:)*', '\\<', '\\u0041', 'a++', '(?<n>a)',
]
export const REGEX_SUBJECTS = [
  'abc', 'ABC', 'a', 'aa', 'pro', 'Pro', 'free', 'x@y.com', 'alice@example.com', 'Bob@Example.COM', '12',
  '123', '1234', ' ', 'word', 'sword', 'bc', 'ac', 'a.c', 'abc\r', 'é', 'AB', '-12', '3.14', '', 'xx',
  'enterprise', 'bb', 'A', 'line\rbreak', 'café', 'ΟΔΟΣ', '😀',
]

export const UNKNOWN_OPERATORS = [
  'is_date_exact', 'icontains_multi', 'not_icontains_multi', 'in', 'not_in', 'flag_evaluates_to', 'bogus', 'EXACT', 'min',
]

export const KNOWN_OPERATORS = [
  'exact', 'is_not', 'is_set', 'is_not_set', 'icontains', 'not_icontains', 'starts_with', 'not_starts_with',
  'ends_with', 'not_ends_with', 'regex', 'not_regex', 'gt', 'gte', 'lt', 'lte', 'is_date_before', 'is_date_after',
  'semver_eq', 'semver_neq', 'semver_gt', 'semver_gte', 'semver_lt', 'semver_lte', 'semver_tilde', 'semver_caret',
  'semver_wildcard',
]

// Relative date filter values. 'm' is months.
export const RELATIVE_DATES = [
  '-7d', '7d', '-1d', '3h', '-24h', '2w', '1m', '-1m', '2m', '13m', '1y', '-4y', '0d', '9999d', '10000d', '7D',
  '5x', '-0h', '007d', '1h',
]

// Strings V8 rejects, and that are not strict: inconclusive on both sides.
export const DATE_GARBAGE = [
  'not a date', '', 'yesterday', '2025-13-01', '2025-00-10', '2025-06-00', '2025-06-15T25:00', '2025-06-15T12:60',
  '2025-06-15T24:00:01', '20250615', '2025-06-15T12', 'T12:00', '2025-06-15T12:00:00Z ', '+275760-09-14',
  '2025-06-15T12:00:00+24:00', 'abc', 'Infinity', 'true',
]

// Strings only V8's lenient parser accepts. Contexts use them rarely, filters never.
export const DATE_LENIENT = [
  'June 1, 2025', '2025-6-1', '2025-02-30', '2025/06/15', 'Sat, 15 Jun 2025 12:00:00 GMT', ' 2025-06-15',
  '2025-06-15Z', '42', '10000-01-01', '+2025-06-15',
]

function pad(n, width = 2) {
  return String(Math.abs(n)).padStart(width, '0')
}

// Renders epoch milliseconds in one of the strict grammar's forms.
export function formatStrict(ms, form, rng) {
  const d = new Date(ms)
  const Y = d.getUTCFullYear()
  const year = Y >= 0 && Y <= 9999 ? pad(Y, 4) : `${Y < 0 ? '-' : '+'}${pad(Y, 6)}`
  const M = pad(d.getUTCMonth() + 1)
  const D = pad(d.getUTCDate())
  const h = pad(d.getUTCHours())
  const mi = pad(d.getUTCMinutes())
  const s = pad(d.getUTCSeconds())
  const msx = pad(d.getUTCMilliseconds(), 3)
  switch (form) {
    case 'Y':
      return year
    case 'YM':
      return `${year}-${M}`
    case 'YMD':
      return `${year}-${M}-${D}`
    case 'YMDhm':
      return `${year}-${M}-${D}T${h}:${mi}`
    case 'YMDhms':
      return `${year}-${M}-${D}T${h}:${mi}:${s}`
    case 'YMDhmsZ':
      return `${year}-${M}-${D}T${h}:${mi}:${s}Z`
    case 'full':
      return `${year}-${M}-${D}T${h}:${mi}:${s}.${msx}Z`
    case 'space':
      return `${year}-${M}-${D} ${h}:${mi}:${s}`
    case 'lower':
      return `${year}-${M}-${D}t${h}:${mi}:${s}.${msx}z`
    case 'micro':
      return `${year}-${M}-${D}T${h}:${mi}:${s}.${msx}${rng.int(0, 999)}Z`
    case 'offset': {
      // The same instant written in another zone.
      const offset = rng.pick([60, -60, 330, -480, 23 * 60 + 59, -(23 * 60 + 59), 0])
      const local = new Date(ms + offset * 60000)
      const sign = offset < 0 ? '-' : '+'
      const ly = local.getUTCFullYear()
      const lyear = ly >= 0 && ly <= 9999 ? pad(ly, 4) : `${ly < 0 ? '-' : '+'}${pad(ly, 6)}`
      return `${lyear}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(
        local.getUTCMinutes()
      )}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(
        Math.abs(offset) % 60
      )}`
    }
    case 'expanded':
      return `${Y < 0 ? '-' : '+'}${pad(Y, 6)}-${M}-${D}`
    default:
      throw new Error(`unknown date form ${form}`)
  }
}

export const DATE_FORMS = ['Y', 'YM', 'YMD', 'YMD', 'YMDhm', 'YMDhms', 'YMDhmsZ', 'full', 'full', 'space', 'lower', 'micro', 'offset', 'expanded']

export const FIXED_DATES = [
  '2024-02-29', '2024-02-29T10:00:00Z', '2025-03-31T23:30:00Z', '2025-01-31', '2025-06-15T24:00', '2024-12-31T24:00:00.000',
  '0000-01-01', '9999-12-31T23:59:59.999Z', '+275760-09-13', '-271821-04-20', '-000001-02-28', '1970-01-01T00:00:00Z',
  '2025-06-15T12:00:00+05:30', '2025-06-15 12:00', '2025', '2024-02', '2025-06-15t12:00z',
]
