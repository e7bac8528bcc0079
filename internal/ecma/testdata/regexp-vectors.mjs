// regexp-vectors.mjs generates regexp-vectors.json: reference outcomes of the
// `regex` and `not_regex` property operators of PostHog's reference SDK
// (posthog-node 5.74.0, which evaluates them with @posthog/core 1.69.2), as
// replayed by TestRegexpVectors in ../regexp_test.go.
//
// Regenerate (Node 20; the output is deterministic for a given Node/V8):
//
//	mkdir -p /tmp/revec && cd /tmp/revec && npm install @posthog/core@1.69.2
//	cd /tmp/revec && node /path/to/internal/ecma/testdata/regexp-vectors.mjs \
//	    > /path/to/internal/ecma/testdata/regexp-vectors.json
//
// @posthog/core is resolved from the current directory, so it never has to be
// installed inside the repository. The script refuses any other version.
//
// Every outcome comes from the exported matchFeatureFlagProperty, called as
// matchFeatureFlagProperty({key: 'k', operator, value: pattern}, {k: subject}):
//
//	"T" / "F"  it returned true / false
//	"S"        it threw an error carrying Symbol.for('posthog.requiresServerRegexEvaluation')
//
// Output: {"meta": {...}, "patterns": [one object per line]} where each pattern is
//
//	{"p": pattern, "st": status, "err": V8 message (invalid only), "g": group (hand-picked only),
//	 "v": [[subject, regexOutcome + notRegexOutcome], ...]}
//
// and status is derived from the reference SDK with the portable subject "":
//
//	"matchall"  the empty pattern
//	"syntax"    server evaluation: "Regex syntax requires server evaluation" (the portability scan)
//	"class"     server evaluation: "Regex character class syntax requires server evaluation"
//	"compile"   server evaluation: "Regex compilation requires server evaluation"
//	"exec"      server evaluation: "Regex execution requires server evaluation"
//	"invalid"   new RegExp(pattern) throws a SyntaxError: both operators are false
//	"ok"        RegExp.prototype.test decides
//
// Patterns come in two parts:
//
//  1. HAND_PICKED: several hundred patterns, in named groups, covering every
//     rule of the scan, every V8 SyntaxError message the portable subset can
//     reach, the unicode-mode class check, escapes and sets, the RE2 limits.
//     Each valid one is paired with a fixed set of subjects plus its own.
//  2. Seeded random patterns (mulberry32, SEED below): a structure-aware
//     generator (with random mutations) that also samples matching subjects,
//     and a "soup" generator drawing tokens from a biased alphabet. Subjects
//     are at most 24 UTF-16 units, drawn from the pattern's own characters plus
//     \n \t \v \f, with some non-ASCII and carriage-return ones. Patterns whose
//     unbounded quantifier wraps a group holding another quantifier or an
//     alternation get subjects of at most 12 units, so V8's backtracking stays
//     fast; a pattern that still takes more than 50 ms is skipped with a
//     warning on stderr (none is expected).

import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'

const SEED = 0x5eed2026
const RANDOM_STRUCTURED = 16000
const RANDOM_SOUP = 6000
const MAX_SUBJECT = 24
const RISKY_SUBJECT = 12
const SLOW_MS = 50

const require = createRequire(path.join(process.cwd(), 'noop.js'))
const core = require('@posthog/core')
const corePkg = JSON.parse(
  fs.readFileSync(path.join(path.dirname(require.resolve('@posthog/core')), '..', 'package.json'), 'utf8')
)
if (corePkg.version !== '1.69.2') {
  throw new Error(`need @posthog/core 1.69.2, found ${corePkg.version}`)
}
const SERVER = Symbol.for('posthog.requiresServerRegexEvaluation')

function outcome(pattern, subject, operator) {
  try {
    return core.matchFeatureFlagProperty({ key: 'k', operator, value: pattern }, { k: subject }) ? 'T' : 'F'
  } catch (e) {
    if (e && e[SERVER] === true) return 'S'
    throw e
  }
}

function pair(pattern, subject) {
  return outcome(pattern, subject, 'regex') + outcome(pattern, subject, 'not_regex')
}

const SERVER_STATUS = {
  'Regex syntax requires server evaluation': 'syntax',
  'Regex character class syntax requires server evaluation': 'class',
  'Regex compilation requires server evaluation': 'compile',
  'Regex execution requires server evaluation': 'exec',
}

// classify returns {st, err} for a pattern.
function classify(pattern) {
  if (pattern === '') return { st: 'matchall' }
  try {
    core.matchFeatureFlagProperty({ key: 'k', operator: 'regex', value: pattern }, { k: '' })
  } catch (e) {
    if (!(e && e[SERVER] === true)) throw e
    const st = SERVER_STATUS[e.message]
    if (!st) throw new Error(`unexpected message ${e.message}`)
    return { st }
  }
  try {
    new RegExp(pattern)
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e
    const i = e.message.lastIndexOf('/: ')
    return { st: 'invalid', err: i >= 0 ? e.message.slice(i + 3) : e.message }
  }
  return { st: 'ok' }
}

// ---------------------------------------------------------------------------
// Deterministic randomness.

function mulberry32(a) {
  return function () {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const rand = mulberry32(SEED)
const rint = (n) => Math.floor(rand() * n) // 0..n-1
const chance = (p) => rand() < p
const pick = (a) => a[rint(a.length)]

// ---------------------------------------------------------------------------
// Subjects.

const NON_PORTABLE = ['é', '\r', '中', '😀', '\u00a0', '\u2028', '\u0080', 'ÿ', '\ufeff']
const SPACES = [' ', '\t', '\n', '\v', '\f']

function clip(s, max) {
  const cps = Array.from(s)
  return cps.length <= max ? s : cps.slice(0, max).join('')
}

// The ASCII characters a subject for this pattern is drawn from.
function subjectAlphabet(pattern) {
  const set = new Set(['a', '-', ...SPACES])
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c.charCodeAt(0) > 0x7f || c === '\r') continue
    if (c === '\\' && i + 1 < pattern.length) {
      const e = pattern[++i]
      if (e === 'd' || e === 'D') ['0', '7', 'q'].forEach((x) => set.add(x))
      else if (e === 'w' || e === 'W') ['a', 'Z', '_', '!'].forEach((x) => set.add(x))
      else if (e === 's' || e === 'S') SPACES.concat(['x']).forEach((x) => set.add(x))
      else if (e === 'b') set.add('\b')
      else if (e === 'x' && /^[0-9a-f]{2}$/i.test(pattern.slice(i + 1, i + 3))) {
        const code = parseInt(pattern.slice(i + 1, i + 3), 16)
        if (code < 0x80 && code !== 13) set.add(String.fromCharCode(code))
      } else if (e.charCodeAt(0) <= 0x7f && e !== '\r') set.add(e)
      continue
    }
    set.add(c)
  }
  return [...set]
}

function randomString(alphabet, maxLen) {
  let s = ''
  const n = rint(maxLen + 1)
  for (let i = 0; i < n; i++) s += pick(alphabet)
  return s
}

function mutateString(s, alphabet) {
  const cps = Array.from(s)
  const i = rint(cps.length + 1)
  switch (rint(3)) {
    case 0:
      cps.splice(i, 0, pick(alphabet))
      break
    case 1:
      cps.splice(i, 1)
      break
    default:
      cps.splice(i, 1, pick(alphabet))
  }
  return cps.join('')
}

// ---------------------------------------------------------------------------
// Structure-aware random patterns. Each generator returns {s, g, q, alt}:
// the source, a sampler of (usually) matching strings, whether the source
// holds a quantifier, and whether it holds an alternation.

const LITERALS = 'aaabbcxxz0019AF-,:/ !@_~=#%&\'"<>]}'.split('')
const SPECIAL = '^$\\.*+?()[]{}|'

// asciiSetOf returns the ASCII characters (other than \r) an atom matches in V8.
const setCache = new Map()
function asciiSetOf(atom) {
  if (setCache.has(atom)) return setCache.get(atom)
  let chars = []
  try {
    const re = new RegExp('^(?:' + atom + ')$')
    for (let c = 0; c < 128; c++) {
      const ch = String.fromCharCode(c)
      if (c !== 13 && re.test(ch)) chars.push(ch)
    }
  } catch {
    chars = []
  }
  setCache.set(atom, chars)
  return chars
}

function atomFromSet(src) {
  const chars = asciiSetOf(src)
  return { s: src, g: () => (chars.length ? pick(chars) : pick(LITERALS)), q: false, alt: false }
}

function genLiteral() {
  const c = pick(LITERALS)
  if (SPECIAL.includes(c) && c !== ']' && c !== '}') return atomFromSet('\\' + c)
  if (chance(0.15)) return atomFromSet('\\' + c) // identity escape (\< and \> are not portable)
  return atomFromSet(c)
}

function hexByte() {
  const code = chance(0.9) ? rint(0x80) : 0x80 + rint(0x80)
  const h = code.toString(16).padStart(2, '0')
  return chance(0.5) ? h.toUpperCase() : h
}

function genEscape() {
  switch (rint(6)) {
    case 0:
    case 1:
      return atomFromSet('\\' + pick('dDsSwW'.split('')))
    case 2:
      return atomFromSet('\\' + pick('fnrtv'.split('')))
    case 3:
      return atomFromSet('\\x' + hexByte())
    case 4:
      return atomFromSet('\\' + pick(SPECIAL.split('')))
    default:
      return atomFromSet('\\' + pick('/-,: !_~<>bB0123cukpxq'.split('')))
  }
}

function classItem() {
  switch (rint(9)) {
    case 0:
    case 1: {
      const a = pick('abcx019AF'.split(''))
      const b = pick('abcxz09AFZ'.split(''))
      return chance(0.85) && a > b ? b + '-' + a : a + '-' + b
    }
    case 2:
      return '\\' + pick('dDsSwW'.split(''))
    case 3:
      return '\\' + pick('bB-]^\\[.'.split(''))
    case 4:
      return '\\' + pick(':,! _~/{}()|*+?$'.split(''))
    case 5:
      return '\\' + pick('fnrtv'.split('')) + (chance(0.3) ? '-\\' + pick('fnrtv'.split('')) : '')
    case 6:
      return '\\x' + hexByte() + (chance(0.4) ? '-\\x' + hexByte() : '')
    case 7:
      return pick(['\\d-z', 'a-\\w', '\\s-\\d', '\\w-', '-', '.', '^', '$', '{', '}', '(', ')', '|', '*', '&&', '--', '~~', '['])
    default:
      return pick('abcxz09-_ .,:!'.split(''))
  }
}

function genClass() {
  let s = '['
  if (chance(0.2)) s += '^'
  const n = 1 + rint(4)
  for (let i = 0; i < n; i++) s += classItem()
  s += chance(0.97) ? ']' : ''
  return atomFromSet(s)
}

// genQuantifier returns a quantifier; big counts only for single-character
// atoms (V8 would iterate a group that can match empty up to 2**31 times).
function genQuantifier(group) {
  let q
  const r = rint(group ? 19 : 20)
  if (r < 5) q = '*'
  else if (r < 9) q = '+'
  else if (r < 13) q = '?'
  else if (r < 15) q = `{${rint(4)}}`
  else if (r < 17) q = `{${rint(3)},}`
  else if (r < 19) {
    const a = rint(4)
    const b = chance(0.85) ? a + rint(3) : rint(4)
    q = `{${a},${b}}`
  } else q = pick(['{1001}', '{0,1001}', '{1000}', '{2,2147483647}', '{2147483648,2147483647}', '{4294967296}', '{0}', '{00,01}'])
  if (chance(0.15)) q += '?'
  return q
}

function quantBounds(q) {
  if (q.startsWith('*')) return [0, Infinity]
  if (q.startsWith('+')) return [1, Infinity]
  if (q.startsWith('?')) return [0, 1]
  const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(q)
  const lo = Number(m[1])
  const hi = m[2] ? (m[3] === '' ? Infinity : Number(m[3])) : lo
  return [lo, hi]
}

function genAtom(depth) {
  const r = rint(20)
  if (r < 7) return genLiteral()
  if (r < 10) return genEscape()
  if (r < 12) return atomFromSet('.')
  if (r < 15) return genClass()
  if (depth >= 3) return genLiteral()
  // A group.
  const inner = genDisjunction(depth + 1)
  let open = '('
  if (chance(0.4)) open = '(?:'
  else if (chance(0.05)) open = pick(['(?=', '(?!', '(?<=', '(?<!', '(?<n>'])
  return { s: open + inner.s + ')', g: inner.g, q: inner.q, alt: inner.alt, group: true }
}

function genTerm(depth) {
  const atom = genAtom(depth)
  if (!chance(0.35)) return atom
  const q = genQuantifier(atom.group)
  const [lo, hi] = quantBounds(q)
  const unbounded = hi === Infinity
  const risky = atom.risky || (unbounded && atom.group && (atom.q || atom.alt))
  return {
    s: atom.s + q,
    q: true,
    alt: atom.alt,
    risky,
    g: () => {
      const n = lo > 6 ? lo : lo + rint(Math.min(hi, lo + 3) - lo + 1)
      let out = ''
      for (let i = 0; i < n && out.length <= MAX_SUBJECT; i++) out += atom.g()
      return out
    },
  }
}

function genAlternative(depth) {
  const n = rint(5)
  const terms = []
  for (let i = 0; i < n; i++) terms.push(genTerm(depth))
  return {
    s: terms.map((t) => t.s).join(''),
    g: () => terms.map((t) => t.g()).join(''),
    q: terms.some((t) => t.q),
    alt: terms.some((t) => t.alt),
    risky: terms.some((t) => t.risky),
  }
}

function genDisjunction(depth) {
  const n = chance(0.7) ? 1 : 2 + rint(2)
  const alts = []
  for (let i = 0; i < n; i++) alts.push(genAlternative(depth))
  return {
    s: alts.map((a) => a.s).join('|'),
    g: () => pick(alts).g(),
    q: alts.some((a) => a.q),
    alt: n > 1 || alts.some((a) => a.alt),
    risky: alts.some((a) => a.risky),
  }
}

const SOUP = [
  ...'abcx019.*+?|()[]{}^$-,:\\ /!<>'.split(''),
  ...'abcx019.*+?|()[]{}^$-,:\\'.split(''),
  ...'dDsSwWbBntvfrx41Fg'.split(''),
  '\\d', '\\D', '\\s', '\\S', '\\w', '\\W', '\\b', '\\B', '\\n', '\\t', '\\v', '\\f', '\\r',
  '\\x41', '\\x4', '\\.', '\\-', '\\]', '\\:', '\\ ', '(?:', '(?=', '(?!', '{2}', '{1,3}', '{2,}',
  '{3,1}', '{0}', '[^', '&&', '--', 'é', '\r', '\n', '_',
]

function genSoup() {
  const n = 1 + rint(10)
  let s = ''
  for (let i = 0; i < n; i++) s += pick(SOUP)
  return s
}

function mutatePattern(s) {
  const tokens = ['*', '+', '?', '(', ')', '[', ']', '{', '}', '{2}', '|', '^', '$', '\\', '-', 'a', '.']
  const cps = Array.from(s)
  const i = rint(cps.length + 1)
  switch (rint(4)) {
    case 0:
      cps.splice(i, 0, pick(tokens))
      break
    case 1:
      cps.splice(i, 1)
      break
    case 2:
      cps.splice(i, 1, pick(tokens))
      break
    default:
      if (i < cps.length) cps.splice(i, 0, cps[i])
  }
  return cps.join('')
}

// A pattern is risky for a backtracking engine when an unbounded quantifier
// follows a group that holds another quantifier or an alternation.
function looksRisky(pattern) {
  return /\)(?:[*+]|\{\d+,\})/.test(pattern) && /[*+?|}]/.test(pattern.replace(/\)(?:[*+?]|\{[\d,]*\})/g, ''))
}

// ---------------------------------------------------------------------------
// Hand-picked patterns.

const HAND_PICKED = {
  empty: [''],
  'non-ASCII': ['é', 'aé', '[é]', '\\é', 'a\u00a0', '😀', '\u2028', 'abc\u0080', '\\xé1', 'a{1}é', '(é'],
  'escapes outside the subset': [
    '\\1', '\\0', '\\2a', '(a)\\1', '\\k<a>', '(?<a>x)\\k<a>', '\\cA', '\\c', '\\u0041', '\\u{41}', '\\p{L}',
    '\\P{L}', '\\<', '\\>', 'a\\<b', '\\a', '\\e', '\\z', '\\A', '\\Z', '\\h', '\\q', '\\x4', '\\x', 'a\\x',
    '\\xg1', '\\x4G', '[\\1]', '[\\0]', '[\\cA]', '[\\u0041]', '[\\<]', '[\\x]', '[\\x4]', '[\\p{L}]', '\\\u00e9',
  ],
  'word boundaries': ['\\b', '\\Bfoo', 'a\\b', '\\bword\\b', '[\\b]', '[a\\bc]', '[\\B]', '[\\b-\\n]', '[\\bx]+'],
  'portable escapes': [
    '\\d', '\\D', '\\s', '\\S', '\\w', '\\W', '\\f', '\\n', '\\r', '\\t', '\\v', '\\x41', '\\x7f', '\\x7F', '\\x00',
    '\\x0a', '\\x0D', '\\x20', '\\xff', '\\x80', 'a\\x80?b', '\\x0b', '\\/', '\\-', '\\ ', '\\!', '\\"', '\\#',
    '\\%', '\\&', "\\'", '\\,', '\\:', '\\;', '\\=', '\\@', '\\_', '\\`', '\\~', '\\]', '\\}', '\\{', '\\[',
    '\\(', '\\)', '\\*', '\\+', '\\?', '\\.', '\\|', '\\\\', '\\^', '\\$', '\\s+', '^\\s*$', '\\S+', '\\d\\D',
    '\\w\\W', '^\\W*$', '^\\D+$', '\\x41\\x42', 'a\\tb', '\\t\\n\\v\\f',
  ],
  'trailing backslash': ['\\', 'a\\', '[a]\\', '(a\\', 'a|\\', '\\\\\\', 'a*\\'],
  'character classes': [
    '[]', '[^]', '[]a]', '[^]a]', '[a[b]', '[[]', '[a&&b]', '[a--b]', '[a~~b]', '[&&]', '[a&]', '[a~]', '[a-]',
    '[-a]', '[a-z]', '[z-a]', '[a-a]', '[\\d-z]', '[a-\\w]', '[\\w-]', '[-\\w]', '[\\w-a]', '[\\s-\\d]', '[\\d-]',
    '[\\-]', '[\\.]', '[\\/]', '[\\]]', '[\\[]', '[\\^]', '[\\$]', '[\\\\]', '[\\|]', '[\\{\\}]', '[\\(\\)]',
    '[\\*\\+\\?]', '[\\:]', '[\\ ]', '[\\,]', '[\\!]', '[\\"]', '[\\#]', '[\\%]', '[\\&]', "[\\']", '[\\;]',
    '[\\=]', '[\\@]', '[\\_]', '[\\`]', '[\\~]', '[\\x41-\\x5a]', '[\\x5a-\\x41]', '[\\x41-Z]', '[^abc]', '[^\\d]',
    '[^\\s]', '[^\\S]', '[\\s\\S]', '[^\\s\\S]', '[\\d\\D]', '[\\w\\W]', '[^\\w\\W]', '[.]', '[*+?]', '[{}]',
    '[()]', '[|]', '[$^]', '[^^]', '[a^]', '[\\n-\\r]', '[\\t]', '[\\v]', '[\\f]', '[\\r]', '[\\B-a]', '[a-\\B]',
    '[(?=a)]', '[(?<x>)]', '[a{2}]', '[{]', '[{2}]', '[--]', '[a-b-c]', '[%--]', '[\\--a]', '[a-\\-]', '[!-/]',
    '[ -~]', '[\\x00-\\x7f]', '[^\\x00-\\x7F]', '[\\]-a]', '[a\\]]', '[\\x5d]', '[\\x00-\\xff]', '[^\\x80-\\xff]',
    '[\\x7e-\\x80]', '[\\x80]', '[a-z][0-9]', '[a]{2}', '[ab]+c', '[^a]*', '[\\w.-]+', '[\\s]', '[^\\n]', '[\\]\\-]',
    '[-]', '[^-]', '[\\^a]', '[a\\-z]', '[ab-]', '[\\s-]', '[-\\s]', '[\\t-\\r]', '[\\b]+', '[\\\\-a]', '[\\/-:]',
  ],
  'unterminated or bad classes': ['[abc', '[a-', '[a-z', '[\\', '[a\\', '[z-a', '[b-a-', '[^', '[', 'a[', '[\\]', '[a-\\'],
  groups: [
    '(a)', '(?:a)', '(?=a)', '(?!a)', '(?<=a)b', '(?<!a)b', '(?<n>a)', '(?i)a', '(?', '(?:', '(', ')', 'a)', '(a',
    '((a)', '(a))', '()', '(?:)', '(())', '()a', 'a()', '(|)', '(a|)', '(|a)', '(?:|)*', '(|)*', '()*', '(?:)*',
    '(())*', '(()){2}', '()?', '(?:)+', '(a)*', '(?:a|b)+', '(a(b)c)', 'a|b', 'a||b', '|', '||', '|a', 'a|',
    '(?:a)?', '((((a))))', '(a)(b)(c)', '(?:(?:a)b)c', '(a|b|c)d', 'a(b|)c', '(?#c)', '(?P<x>a)', '(?-i)a', ')(',
    '(()', '())', '(a)|)', '(?:a|(b)', '(?::)', '(?:?)', '((?:))+', '(x()|y)*', '(()|())*',
  ],
  'nothing to repeat': [
    '*', '+', '?', '*a', '+a', '?a', 'a|*', 'a|+', 'a|?', '(*)', '(+a)', '(a|?)', '(?:*)', '(?:+)', 'a**', 'a*+', 'a+*',
    'a++', 'a?*', 'a?+', 'a??', 'a*?', 'a+?', 'a*??', 'a+??', 'a???', 'a{2}*', 'a{2}?', 'a{2}??', 'a{2}+', 'a{2}{3}',
    'a*{2}', 'a+{2}', 'a?{2}', 'a{1,}??', 'x*?*', 'x+?+', 'x??*', '(a)**', '(a)*?*', '[a]**', '.**', '\\d+*',
  ],
  braces: [
    'a{2}', 'a{2,}', 'a{2,3}', 'a{3,2}', 'a{0}', 'a{0,0}', 'a{,3}', 'a{2', 'a{2,', 'a{2,3', 'a{a}', 'a{}', 'a{ 2}',
    '{2}', '{', '}', 'a}', 'a{', 'a{2}}', 'a}{', '}+', '}{2}', 'a}*', 'a]*', ']+', ']{2}', '}?', ']?', 'x{01}',
    'x{001,002}', 'x{2,1}', 'x{10,9}', '(ab){2}', '(?:ab){1,2}c', '[ab]{2,}', '.{3}', '\\d{3}-\\d{4}', 'a{1}b{2}c{3}',
    'a|{2}', '({2})', '(?:{2})', '^{2}', '${2}', '(){2}', 'a{2}|b', 'a{0,}', 'a{0,1}?', 'a{1,1}', '}}', ']]', 'a]}',
  ],
  'repetition limits': [
    'a{4294967295}', 'a{4294967296}', 'a{99999999999}', 'a{1001}', 'a{1000}', 'a{0,1000}', 'a{0,1001}', 'a{1000,}',
    'a{1001,}', 'a{2147483647}', 'a{2147483646}', 'a{2147483648,2147483647}', 'a{4294967295,4294967294}',
    'a{3,2147483647}', 'a{0,2147483647}', 'a{0,2147483646}', 'a{0,4294967295}', 'a{2,4294967296}',
    'a{00000000000000000002}', '(?:a{10}){100}', '(?:a{10}){101}', '(?:a{1000}){1000}', '(?:a{2}){2}b',
    '[a-z]{1,1000}', 'x{1000}y{1000}', '(?:ab){500}', 'a{0}{1}', 'a{1}{0}', '(?:(?:a{1000}){1000}){1000}',
    '(?:a|b{65535}){65535}', '(?:a?){2147483647}b',
  ],
  anchors: [
    '^', '$', '^$', '^a', 'a$', '^*', '^+', '^?', '^{2}', '$*', '$?', '$+', 'a^', '$a', '^^', '$$', '(^a)', '(?:^)*',
    '(?:$)?', '(^)*', '(^)', '(^)+', '^a|b$', 'a$|^b', '\\^', '\\$', '^\\^', '[$]', '^(?:a|b)$', '^$|^a$', 'a^b', 'a$b',
    '^*a', '^??', '$??', '(^|a)*', '(a|$)+', '^\\$', 'x^?',
  ],
  dot: ['.', '..', '.*', '^.$', '^.*$', '.+', 'a.c', '^..$', '.{2,3}', '(.)'],
  realistic: [
    '^[a-z0-9._%+-]+@example\\.com$', '@posthog\\.com$', '^https?://', '^https?://(www\\.)?example\\.com/',
    '^(foo|bar)$', '\\d{3}-\\d{4}', '^v?\\d+\\.\\d+\\.\\d+$', '.*@gmail\\.com', '^[A-Z]{2}$', '^user_\\d+$', 'test',
    '(?i)test', '^/blog/.*', 'ios|android', '^(?:ab|cd)+$', '^[^@]+@[^@]+$', '^\\w+$', '^[\\w.+-]+@[\\w-]+\\.[\\w.]+$',
    '^(de|fr|es)-[A-Z]{2}$', '^\\d+$', '^-?\\d+(\\.\\d+)?$', 'beta', '^release-\\d{4}\\.\\d{2}$', '^(?!test)',
    '\\.(png|jpe?g|gif)$', '^[0-9a-f]{8}-[0-9a-f]{4}-', '^\\s+|\\s+$', '^.{0,10}$', '(^|,)a(,|$)', '^\\+?[0-9 ]+$',
  ],
  'control characters in the pattern': ['a\nb', '\t', 'a\rb', '\u0000', '\u007f', '[\n]', ' ', '\r', '[\r]', 'a\u000bb'],
  'catastrophic shapes (short subjects)': ['(a*)*b', '(a+)+b', '(a|a)*b', '(a|aa)+$', '(.*)*x', '(\\w+\\s?)*$'],
  'scan order': [
    '(?=a', '(?=a)(', '[é', 'é(', 'a**é', '\\1(', '[a-\\d]**', '[\\:](', '[\\:]**', '(?:)*(', '[z-a][\\:]',
    '[\\:][z-a]', '[\\d-z]\\', 'a{2,1}[\\:]', '{2}(', 'a\\b*', '[\\B]*?', '((((()))))*',
  ],
}

function handSubjects(pattern) {
  const base = [
    '', 'a', 'abc', 'ABC', 'xyz', '0', '09', 'a1_', ' ', '\t', '\n', '\v', '\f', 'a\nb', '-', '.', ']', '}', '{',
    '\b', 'foo@example.com', '\u0000', '\u007f', 'aa', 'aaa', 'ab', 'b', '$', '^', '\\', '/', ':', 'x,y', 'a{2}',
  ]
  const extra = {
    'catastrophic shapes (short subjects)': ['aaaaaaaaaaaa', 'aaaaaaaaaaab', 'a b c d e f!'],
  }
  const own = []
  const alphabet = subjectAlphabet(pattern)
  for (let i = 0; i < 6; i++) own.push(randomString(alphabet, 8))
  return [...base, ...own, 'é', 'a\r', '😀', 'abc\u00a0', ...(extra[pattern] || [])]
}

// ---------------------------------------------------------------------------

const seen = new Set()
const out = []
const counts = { patterns: 0, pairs: 0, status: {}, outcome: {} }

function record(pattern, subjects, group) {
  if (seen.has(pattern)) return
  const { st, err } = classify(pattern)
  const list = st === 'ok' ? subjects : ['abc', 'é']
  const uniq = [...new Set(list.map((s) => clip(s, MAX_SUBJECT)))]
  const started = performance.now()
  const v = uniq.map((s) => [s, pair(pattern, s)])
  const took = performance.now() - started
  if (took > SLOW_MS * uniq.length && group === undefined) {
    process.stderr.write(`skipping slow pattern ${JSON.stringify(pattern)} (${took.toFixed(0)} ms)\n`)
    return
  }
  seen.add(pattern)
  const entry = { p: pattern, st }
  if (err !== undefined) entry.err = err
  if (group !== undefined) entry.g = group
  entry.v = v
  out.push(entry)
  counts.patterns++
  counts.status[st] = (counts.status[st] || 0) + 1
  for (const [, o] of v) {
    counts.pairs++
    counts.outcome[o] = (counts.outcome[o] || 0) + 1
  }
}

for (const [group, patterns] of Object.entries(HAND_PICKED)) {
  for (const p of patterns) record(p, handSubjects(p), group)
}

// Length and nesting limits (one of each; they are long).
record('a'.repeat(8192), ['', 'a'.repeat(24)], 'length limit')
record('a'.repeat(8193), ['', 'a'.repeat(24)], 'length limit')
record('('.repeat(4097), ['', 'a'], 'length limit')
record('(?:'.repeat(1200) + 'a' + ')'.repeat(1200), ['', 'a', 'b'], 'nesting limit')
record('(?:'.repeat(999) + 'a' + ')'.repeat(999), ['', 'a', 'b'], 'nesting limit')
record('a{1000}'.repeat(20), ['', 'a'], 'program size limit')
record('a{100}'.repeat(20), ['', 'a'], 'program size limit')

function randomSubjects(pattern, sampler, risky) {
  const max = risky ? RISKY_SUBJECT : MAX_SUBJECT
  const alphabet = subjectAlphabet(pattern)
  const subjects = []
  if (sampler) {
    for (let i = 0; i < 3; i++) subjects.push(clip(sampler(), max))
    subjects.push(clip(mutateString(subjects[0], alphabet), max))
  }
  for (let i = 0; i < 2; i++) subjects.push(randomString(alphabet, Math.min(max, 10)))
  if (chance(0.4)) subjects.push('')
  if (chance(0.15)) {
    const s = subjects.length ? pick(subjects) : ''
    const i = rint(s.length + 1)
    subjects.push(clip(s.slice(0, i) + pick(NON_PORTABLE) + s.slice(i), max))
  }
  return subjects
}

for (let n = 0; n < RANDOM_STRUCTURED; n++) {
  const d = genDisjunction(0)
  let p = d.s
  const sampler = d.g
  if (chance(0.3)) p = mutatePattern(p)
  if (chance(0.25)) p = '^' + p
  if (chance(0.25)) p = p + '$'
  record(p, randomSubjects(p, sampler, d.risky || looksRisky(p)))
}
for (let n = 0; n < RANDOM_SOUP; n++) {
  const p = genSoup()
  record(p, randomSubjects(p, null, looksRisky(p)))
}

const meta = {
  generator: 'internal/ecma/testdata/regexp-vectors.mjs',
  node: process.version,
  v8: process.versions.v8,
  posthogCore: corePkg.version,
  seed: SEED,
  counts,
}
const lines = out.map((e) => JSON.stringify(e))
process.stdout.write('{"meta": ' + JSON.stringify(meta) + ',\n"patterns": [\n' + lines.join(',\n') + '\n]}\n')
process.stderr.write(JSON.stringify(counts) + '\n')
