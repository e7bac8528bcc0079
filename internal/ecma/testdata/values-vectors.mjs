// values-vectors.mjs — generates values-vectors.json, the reference answers of
// V8 (Node.js) for the value semantics implemented in internal/ecma
// (number.go, strings.go, date.go). The Go tests only read the committed JSON;
// they never run Node.
//
// How to run (from the repository root; needs Node >= 20 and the npm registry):
//
//   mkdir -p /tmp/ecmavec && (cd /tmp/ecmavec && npm init -y >/dev/null &&
//     npm install @posthog/core@1.69.2)
//   TZ=UTC ECMAVEC_DIR=/tmp/ecmavec \
//     node internal/ecma/testdata/values-vectors.mjs > internal/ecma/testdata/values-vectors.json
//
// The script loads @posthog/core from $ECMAVEC_DIR/node_modules (default
// /tmp/ecmavec), so nothing is installed into the repository. TZ=UTC is required:
// date-time strings without an offset are local time in V8; the script refuses
// to run otherwise.
//
// The output is deterministic: every random input comes from the seeded sfc32
// generator below (SEED), and nothing depends on the wall clock (the relative
// date vectors pin "now" by replacing globalThis.Date). Re-running with the same
// Node/V8/ICU gives a byte-identical file; the "meta" object records the versions.
//
// Layout of the JSON (doubles are written as 16 hex digits of their IEEE-754
// bits, "nan" for any NaN, so nothing is lost to decimal printing):
//   numberToString [bits, String(x)]
//   parse          [input, bits of parseFloat(input), bits of Number(input)]
//   whitespace     code points c for which ("a"+c).trim() === "a"
//   lowerMap       [cp, String.fromCodePoint(cp).toLowerCase()] for every cp it changes
//   sigmaClass     [first, last, class] ranges over all code points; class is how
//                  toLowerCase's Final_Sigma rule sees the code point:
//                  0 neither, 1 case-ignorable (skipped), 2 cased (and not ignorable)
//   toLower        [input, input.toLowerCase()]
//   equalLower     [a, b, a.toLowerCase() === b.toLowerCase()]
//   compare        [a, b, -1|0|1 by a < b / a > b]
//   quote          [s, JSON.stringify(s)]
//   timeClip       [bits, new Date(x).getTime() or null]
//   dates          [s, new Date(s).getTime() or null]  strings in ParseDate's grammar
//   datesRejected  [s, new Date(s).getTime() or null]  strings outside it (ParseDate
//                  must reject them all; V8's lenient answer is kept for the record)
//   relative       [nowMs, s, relativeDateParseForFeatureFlagMatching(s) ms or null]
//
// Code points where Node's ICU (Unicode 17 in Node 20.20) and Go's unicode
// tables (Unicode 15.0) disagree are excluded from the random string vectors;
// the list is EXCLUDED_RANGES below and mirrored in strings_test.go.

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import process from 'node:process'

if (process.env.TZ !== 'UTC') {
  console.error('run with TZ=UTC')
  process.exit(2)
}
const ECMAVEC_DIR = process.env.ECMAVEC_DIR || '/tmp/ecmavec'
const require = createRequire(ECMAVEC_DIR + '/package.json')
const core = require('@posthog/core')
const relativeDateParse = core.relativeDateParseForFeatureFlagMatching
if (typeof relativeDateParse !== 'function') throw new Error('relativeDateParseForFeatureFlagMatching not exported')
const coreVersion = JSON.parse(readFileSync(ECMAVEC_DIR + '/node_modules/@posthog/core/package.json', 'utf8')).version
if (coreVersion !== '1.69.2') throw new Error('want @posthog/core 1.69.2, have ' + coreVersion)

// ---------------------------------------------------------------- PRNG
const SEED = [0x9e3779b9, 0x243f6a88, 0xb7e15162, 0x2545f491]
let [sa, sb, sc, sd] = SEED
function u32() {
  sa >>>= 0; sb >>>= 0; sc >>>= 0; sd >>>= 0
  const t = (((sa + sb) >>> 0) + sd) >>> 0
  sd = (sd + 1) >>> 0
  sa = sb ^ (sb >>> 9)
  sb = (sc + (sc << 3)) >>> 0
  sc = ((sc << 21) | (sc >>> 11)) >>> 0
  sc = (sc + t) >>> 0
  return t
}
for (let i = 0; i < 32; i++) u32()
const rnd = () => u32() / 4294967296
const int = (n) => Math.floor(rnd() * n) // 0..n-1
const range = (lo, hi) => lo + int(hi - lo + 1) // inclusive
const pick = (a) => a[int(a.length)]
const chance = (p) => rnd() < p

// ---------------------------------------------------------------- doubles
const dv = new DataView(new ArrayBuffer(8))
function bitsOf(x) {
  if (Number.isNaN(x)) return 'nan'
  dv.setFloat64(0, x)
  return dv.getUint32(0).toString(16).padStart(8, '0') + dv.getUint32(4).toString(16).padStart(8, '0')
}
function fromBits(hi, lo) {
  dv.setUint32(0, hi >>> 0)
  dv.setUint32(4, lo >>> 0)
  return dv.getFloat64(0)
}
function nextUp(x, k = 1) {
  // k ulps away from x toward +Inf for x > 0 (x finite, positive).
  dv.setFloat64(0, x)
  let big = (BigInt(dv.getUint32(0)) << 32n) | BigInt(dv.getUint32(4))
  big += BigInt(k)
  if (big < 0n) big = 0n
  return fromBits(Number(big >> 32n), Number(big & 0xffffffffn))
}
function randomDouble() {
  return fromBits(u32(), u32())
}

// ---------------------------------------------------------------- numberToString
function genNumberToString() {
  const xs = [0, -0, NaN, Infinity, -Infinity, 1, -1, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 100, 1e20, 1e21,
    nextUp(1e21, -1), nextUp(1e21, 1), 123456789012345680000, 999999999999999900000, 1e-6, 1e-7,
    nextUp(1e-7, -1), nextUp(1e-7, 1), nextUp(1e-6, -1), 0.000001, 1.5e-7, 5e-324, 1e-323,
    Number.MAX_VALUE, 2.2250738585072014e-308, 2.225073858507201e-308, 2 ** 53, 2 ** 53 + 2, 2 ** 53 - 1,
    2 ** 63, 2 ** 64, 4.35, 0.5, 1e100, 1.2e-100, 123e-20, -1.5e-9, 9007199254740993, 1e15, 1e16, 1e17,
    0.000123, 1e-5, 1.25e-6, -1e21, -1e-7, 12345.6789, 1.7976931348623157e308, 4.9406564584124654e-324,
    0.1 * 3, 1.005, 2 ** -1074 * 3, 2 ** 1023, 144115188075855870, 295147905179352830000, 1e22, 1e23,
    5e-7, 123456789, 1234567890123456789, 0.00001, 1.0000000000000002, 0.9999999999999999]
  for (let i = 0; i < 1500; i++) xs.push(randomDouble())
  for (let k = -325; k <= 309; k++) {
    const p = Number('1e' + k)
    if (p === 0 || !Number.isFinite(p)) continue
    xs.push(p, nextUp(p, 1), nextUp(p, -1))
    if (chance(0.3)) xs.push(-p)
  }
  for (let i = 0; i < 300; i++) xs.push(2 ** 53 + range(-1000, 1000) * (chance(0.5) ? 1 : 2))
  for (let i = 0; i < 300; i++) xs.push(Math.floor(rnd() * 2 ** range(1, 80)))
  for (let i = 0; i < 900; i++) {
    let m = ''
    const nd = range(1, 17)
    for (let j = 0; j < nd; j++) m += String(int(10))
    xs.push(Number(m + 'e' + range(-40, 40)) * (chance(0.2) ? -1 : 1))
  }
  for (let i = 0; i < 300; i++) xs.push(fromBits(u32() & 0x000fffff, u32()) * (chance(0.3) ? -1 : 1))
  const seen = new Set()
  const out = []
  for (const x of xs) {
    const b = Object.is(x, -0) ? '8000000000000000' : bitsOf(x)
    if (seen.has(b)) continue
    seen.add(b)
    out.push([b, String(x)])
  }
  return out
}

// ---------------------------------------------------------------- parseFloat / Number
// 2^1024 - 2^970: the smallest decimal value that parseFloat rounds to Infinity.
const THRESHOLD = (2n ** 1024n - 2n ** 970n).toString()
function genParse() {
  const ss = ['1e', '1e+', '0x10', '-.5e-3x', 'Infinity', '-Infinity1', '', '  ', '1e400', '-1e400', '1e-400', '.', '+.',
    '-.5', '.5', '5.', '5.e3', '0b101', '0B101', '0o17', '0O17', '0x1F', '0Xff', '-0x10', '+0x10', '0x', '0b', '0o',
    '0x1g', '00012', '1_000', '\uff11', '  12  ', '\u00a012\u2028', '\ufeff5', 'infinity', '+Infinity', '-Infinity',
    ' Infinity ', 'Infinityx', '1e1000000000000', '0.0000000000000000000000000000001e330', '17976931348623158e292',
    '1.7976931348623158e308', '1.7976931348623157e308', '1.797693134862315807937289714053034150799341327710e308',
    THRESHOLD, THRESHOLD.slice(0, -1) + '0', THRESHOLD + '.0000001', '-' + THRESHOLD,
    THRESHOLD.slice(0, 17) + '0'.repeat(200) + '1e100', '0.' + THRESHOLD + 'e309',
    '2.4703282292062327e-324', '2.4703282292062328e-324', '2.47032822920623272088e-324', '0x1fffffffffffff',
    '0x20000000000001', '0x20000000000003', '0x20000000000001000000001', '0x' + 'f'.repeat(257), '0x' + 'f'.repeat(256),
    '0b' + '1'.repeat(1100), '0o' + '7'.repeat(400), '0x' + '1' + '0'.repeat(255), '0x1' + '0'.repeat(13) + '8',
    '0x1' + '0'.repeat(13) + '18', '0x1' + '0'.repeat(13) + '1' + '0'.repeat(5) + '1', '0x0000000000000000000001',
    '0b' + '1'.repeat(53) + '1', '0b1' + '0'.repeat(52) + '1' + '0'.repeat(40), '0b1' + '0'.repeat(52) + '1' + '0'.repeat(40) + '1',
    '0o' + '7'.repeat(18) + '4', '0o1' + '0'.repeat(17) + '4', '-0', '+0', '-0.0e5', '0e99999999999', '1e-99999999999',
    '1e+99999999999', '.e1', 'e1', '-', '+', '+-1', '--1', '1e--1', '1.2.3', '1..2', '\t\n\v\f\r 7', '7\t\n\v\f\r ',
    '\u1680\u2000\u200a\u202f\u205f\u3000\ufeff8', '\u180e8', '\u00858', '\u200b8', '1e1e1', '0.1e-1', '00.5', '0x.5',
    '0xFFFFFFFFFFFFFFFFF', '0b2', '0o8', '0xG', '08', '09.5', '1E5', '1e05', '1e+0005', '.0', '0.', '0000', '-0x0', 'Infinity ',
    '\u2028Infinity\u2029', '-Infinity', '+Infinityy', 'INFINITY', 'NaN', '-NaN', '1,5', '1 5', '\u00a0', '\ufeff', '12abc',
    '1'.repeat(400), '0.' + '0'.repeat(400) + '1', '9'.repeat(309), '9'.repeat(308), '1' + '0'.repeat(308), '1' + '0'.repeat(309),
    '4.9406564584124654e-324', '2.2250738585072011e-308', '2.2250738585072012e-308', '9007199254740993', '9007199254740992.5',
    '0.1', '0.30000000000000004', '123456789012345678901234567890', '1e21', '1e-7']
  const tokens = ['0', '1', '5', '9', '00', '12', '.', '.', 'e', 'E', '+', '-', 'x', 'X', 'o', 'O', 'b', 'B', ' ', '\u00a0',
    '\u2028', '\ufeff', '\t', '\n', 'Infinity', 'Inf', '_', 'a', 'f', 'F', '7', '3', '0x', '0b', '0o', 'e5', 'e-3', '1e400', 'e-400']
  for (let i = 0; i < 2500; i++) {
    let s = ''
    const n = range(1, 8)
    for (let j = 0; j < n; j++) s += pick(tokens)
    ss.push(s)
  }
  const ws = ['', '', '', ' ', '\t', '\u00a0', '\n', '\u3000', '\ufeff', '\u2029']
  const junk = ['', '', '', 'x', 'e', '.', '5', ' 1', '_', 'e+', 'Infinity']
  for (let i = 0; i < 1200; i++) {
    let x
    switch (int(4)) {
      case 0: x = randomDouble(); break
      case 1: x = Number(String(range(0, 99999)) + 'e' + range(-30, 30)); break
      case 2: x = rnd() * 10 ** range(-10, 25); break
      default: x = Number('1e' + range(-324, 309)) * (1 + rnd())
    }
    if (chance(0.3)) x = -x
    let s
    switch (int(5)) {
      case 0: s = String(x); break
      case 1: s = Number.isFinite(x) ? x.toExponential(range(0, 20)) : String(x); break
      case 2: s = Number.isFinite(x) ? x.toPrecision(range(1, 21)) : String(x); break
      case 3: s = Number.isFinite(x) && Math.abs(x) < 1e21 ? x.toFixed(range(0, 20)) : String(x); break
      default: s = String(x).replace('e+', 'E')
    }
    ss.push(pick(ws) + s + pick(ws) + pick(junk))
  }
  const hexd = '0123456789abcdefABCDEF'
  for (let i = 0; i < 700; i++) {
    const kind = int(3)
    const pre = ['0x', '0X', '0b', '0B', '0o', '0O'][kind * 2 + int(2)]
    const alpha = kind === 0 ? hexd : kind === 1 ? '01' : '01234567'
    const len = chance(0.5) ? range(1, 20) : range(20, kind === 0 ? 300 : 1100)
    let d = ''
    for (let j = 0; j < len; j++) d += chance(0.2) ? '0' : alpha[int(alpha.length)]
    let s = pre + d
    if (chance(0.15)) s = pick(['-', '+']) + s
    if (chance(0.2)) s = pick(ws) + s + pick(ws)
    if (chance(0.1)) s += pick(['g', '.', '8', '2', 'x', ' 1'])
    ss.push(s)
  }
  const seen = new Set()
  const out = []
  for (const s of ss) {
    if (seen.has(s)) continue
    seen.add(s)
    const pf = parseFloat(s)
    const nu = Number(s)
    out.push([s, Object.is(pf, -0) ? '8000000000000000' : bitsOf(pf), Object.is(nu, -0) ? '8000000000000000' : bitsOf(nu)])
  }
  return out
}

// ---------------------------------------------------------------- Unicode tables
// Code points whose case behaviour differs between Node 20.20's ICU (Unicode 17)
// and Go's unicode package (Unicode 15.0); mirrors unicodeExcluded in
// strings_test.go. Random strings never use them.
const EXCLUDED_RANGES = [
  [0x0295, 0x0295], [0x0897, 0x0897], [0x1acf, 0x1add], [0x1ae0, 0x1aeb], [0x1c89, 0x1c8a], [0xa7cb, 0xa7cf],
  [0xa7d2, 0xa7d2], [0xa7d4, 0xa7d4], [0xa7da, 0xa7dc], [0xa7f1, 0xa7f1], [0x10d4e, 0x10d4e],
  [0x10d50, 0x10d65], [0x10d69, 0x10d6d], [0x10d6f, 0x10d85], [0x10ec5, 0x10ec5], [0x10efa, 0x10efc],
  [0x113bb, 0x113c0], [0x113ce, 0x113ce], [0x113d0, 0x113d0], [0x113d2, 0x113d2], [0x113e1, 0x113e2],
  [0x1171e, 0x1171e], [0x11b60, 0x11b60], [0x11b62, 0x11b64], [0x11b66, 0x11b66], [0x11dd9, 0x11dd9],
  [0x11f5a, 0x11f5a], [0x1611e, 0x16129], [0x1612d, 0x1612f], [0x16d40, 0x16d42], [0x16d6b, 0x16d6c],
  [0x16ea0, 0x16eb8], [0x16ebb, 0x16ed3], [0x16ff2, 0x16ff3], [0x1e5ee, 0x1e5ef], [0x1e6e3, 0x1e6e3],
  [0x1e6e6, 0x1e6e6], [0x1e6ee, 0x1e6ef], [0x1e6f5, 0x1e6f5], [0x1e6ff, 0x1e6ff],
]
const EXCLUDED = new Set()
for (const [lo, hi] of EXCLUDED_RANGES) for (let c = lo; c <= hi; c++) EXCLUDED.add(c)

function isSurrogate(c) {
  return c >= 0xd800 && c <= 0xdfff
}

function genWhitespace() {
  const out = []
  for (let c = 0; c <= 0x10ffff; c++) {
    if (isSurrogate(c)) continue
    if (('a' + String.fromCodePoint(c)).trim() === 'a') out.push(c)
  }
  return out
}

function genLowerMap() {
  const out = []
  for (let c = 0; c <= 0x10ffff; c++) {
    if (isSurrogate(c)) continue
    const s = String.fromCodePoint(c)
    const l = s.toLowerCase()
    if (l !== s) out.push([c, l])
  }
  return out
}

function sigmaClassOf(c) {
  const s = String.fromCodePoint(c)
  const afterCased = ('A' + s + '\u03a3').toLowerCase().endsWith('\u03c2')
  const alone = (s + '\u03a3').toLowerCase().endsWith('\u03c2')
  if (alone) return 2
  if (afterCased) return 1
  return 0
}

function genSigmaClass() {
  const out = []
  let start = 0
  let cls = -1
  for (let c = 0; c <= 0x10ffff; c++) {
    const k = isSurrogate(c) ? 0 : sigmaClassOf(c)
    if (k !== cls) {
      if (cls >= 0) out.push([start, c - 1, cls])
      start = c
      cls = k
    }
  }
  out.push([start, 0x10ffff, cls])
  return out
}

// ---------------------------------------------------------------- toLowerCase
const spanList = (lo, hi) => {
  const a = []
  for (let c = lo; c <= hi; c++) a.push(c)
  return a
}
const POOLS = {
  ascii: spanList(0x20, 0x7e),
  latin1: spanList(0xa0, 0xff),
  latinExt: spanList(0x100, 0x24f),
  greek: [...spanList(0x370, 0x3ff), ...spanList(0x1f00, 0x1fff)],
  sigma: [0x3a3, 0x3a3, 0x3a3, 0x3c3, 0x3c2, 0x391, 0x3b1, 0x3a9],
  turkish: [0x130, 0x131, 0x49, 0x69, 0x130],
  cyrillic: spanList(0x400, 0x52f),
  armenian: spanList(0x531, 0x587),
  georgian: [...spanList(0x10a0, 0x10ff), ...spanList(0x1c90, 0x1cbf)],
  cherokee: [...spanList(0x13a0, 0x13fd), ...spanList(0xab70, 0xabbf)],
  astral: [...spanList(0x10400, 0x1044f), ...spanList(0x104b0, 0x104fb), ...spanList(0x1f600, 0x1f64f),
    ...spanList(0x1e900, 0x1e95f), ...spanList(0x16e40, 0x16e9f), 0x1f3fb, 0x1f3ff, 0x10ffff, 0x20000],
  combining: [...spanList(0x300, 0x36f), 0x345, ...spanList(0x483, 0x489), ...spanList(0x20d0, 0x20f0)],
  ignorable: [0x27, 0x2e, 0x3a, 0xb7, 0x2019, 0x2018, 0x00ad, 0x200d, 0x200b, 0x2060, 0xfeff, ...spanList(0x2b0, 0x2ff),
    0x387, 0x55f, 0x5f4, 0x2027, 0xfe13, 0xfe55, 0xff1a, 0x2024, 0xfe52, 0xff07, 0xff0e, ...spanList(0x1d2c, 0x1d6a),
    0x345, 0x300, 0x301, 0x20dd, 0x1f3fb],
  special: [0x1c4, 0x1c5, 0x1c6, 0x1c7, 0x1c8, 0x1ca, 0x1cb, 0x1f1, 0x1f2, 0x1e9e, 0xdf, 0x2126, 0x212a, 0x212b,
    0x2160, 0x2170, 0x24b6, 0x24d0, 0x1f88, 0x1fbc, 0x3d2, 0x3f4, 0x3f9, 0x1d2c, 0x10c7, 0x10cd, 0xa7c5, 0x4e00, 0xac00,
    0x30, 0x39, 0x2c, 0x20, 0x1e00, 0x1e9b, 0x17f],
}
const POOL_NAMES = Object.keys(POOLS)

function randomCp(pool) {
  for (;;) {
    const c = pick(POOLS[pool])
    if (!EXCLUDED.has(c)) return c
  }
}

function randomLowerString() {
  let s = ''
  const segs = range(0, 4)
  for (let k = 0; k < segs; k++) {
    if (chance(0.35)) {
      // A sigma in context: [cased?] [ignorables] Σ [ignorables] [cased?]
      if (chance(0.6)) s += String.fromCodePoint(randomCp(pick(['ascii', 'greek', 'sigma', 'cyrillic', 'latinExt', 'astral', 'special'])))
      for (let n = range(0, 2); n > 0; n--) s += String.fromCodePoint(randomCp(pick(['ignorable', 'combining'])))
      s += '\u03a3'
      for (let n = range(0, 2); n > 0; n--) s += String.fromCodePoint(randomCp(pick(['ignorable', 'combining'])))
      if (chance(0.5)) s += String.fromCodePoint(randomCp(pick(['ascii', 'greek', 'sigma', 'cyrillic', 'special', 'ignorable'])))
    } else {
      const pool = pick(POOL_NAMES)
      for (let n = range(1, 5); n > 0; n--) s += String.fromCodePoint(randomCp(chance(0.8) ? pool : pick(POOL_NAMES)))
    }
  }
  return s
}

function genToLower() {
  const ss = ['', 'A', 'abc', 'ABC', 'Hello World', '\u0130', 'I\u0130i\u0131', '\u03a3', '\u03a3\u03a3', 'A\u03a3', '\u03a3A',
    'A\u03a3 ', 'A\u03a3.', 'A\u03a3\'', 'A\'\u03a3', 'A.\u03a3', '\u1d2c\u03a3', '\u02b0\u03a3', 'A\u02b0\u03a3', 'A\u03a3\u0345',
    'A\u03a3\u0345A', '\u0345\u03a3', 'A\u0345\u03a3', '\u03a3\u03a3\u03a3', 'OΔΥΣΣΕΥΣ', 'ΌΣΟΣ ΣΑΣ', 'A\u03a3\ud801\udc00',
    '\ud801\udc00\u03a3', '\u2160\u03a3', '\u24b6\u03a3', 'A\u200d\u03a3', 'A\u00ad\u03a3\u00adA', 'ǅ', 'ẞ', 'Ω', 'K', 'Å',
    'ﬃ', 'İSTANBUL', 'ΣΑΣ.ΣΑΣ', 'A:\u03a3', 'A\u2019\u03a3\u2019', 'TRUE', 'True', 'FaLsE', 'ÀÉÎÕÜ', 'Ǆǅǆ']
  for (let i = 0; i < 3500; i++) ss.push(randomLowerString())
  const seen = new Set()
  const out = []
  for (const s of ss) {
    if (seen.has(s)) continue
    seen.add(s)
    out.push([s, s.toLowerCase()])
  }
  return out
}

function genEqualLower() {
  const out = []
  const seen = new Set()
  const pairs = [['', ''], ['a', 'A'], ['\u0130', 'i\u0307'], ['\u0130', 'i'], ['A\u03a3', 'a\u03c2'], ['A\u03a3', 'a\u03c3'],
    ['\u03a3', '\u03c3'], ['\u03a3', '\u03c2'], ['ß', 'SS'], ['K', 'k'], ['TRUE', 'true'], ['true', 'tRuE'], ['ǅ', 'ǆ'],
    ['ǅ', 'Ǆ'], ['ΣΑΣ', 'σας'], ['abc', 'abd'], ['abc', 'ab'], ['\ud801\udc00', '\ud801\udc28']]
  for (let i = 0; i < 2500; i++) {
    const a = randomLowerString()
    let b = ''
    for (const ch of a) {
      const r = rnd()
      b += r < 0.3 ? ch.toUpperCase() : r < 0.6 ? ch.toLowerCase() : ch
    }
    if (chance(0.25)) {
      const cps = [...b]
      if (cps.length > 0) {
        cps[int(cps.length)] = String.fromCodePoint(randomCp(pick(POOL_NAMES)))
        b = cps.join('')
      }
    }
    if (chance(0.05)) b += 'x'
    pairs.push([a, b])
  }
  for (const [a, b] of pairs) {
    const key = a + '\u0000' + b
    if (seen.has(key)) continue
    seen.add(key)
    // Skip strings with lone surrogates (toUpperCase never makes one, but be safe).
    if (/[\ud800-\udfff]/u.test(a + b)) continue
    out.push([a, b, a.toLowerCase() === b.toLowerCase()])
  }
  return out
}

// ---------------------------------------------------------------- compare
function genCompare() {
  const pool = [0x41, 0x61, 0x7a, 0x7f, 0x80, 0xff, 0x100, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xe001, 0xf8ff, 0xfb01, 0xff21,
    0xfffd, 0xfffe, 0xffff, 0x10000, 0x10001, 0x103ff, 0x10400, 0x1f600, 0x1f601, 0x20000, 0x10fffe, 0x10ffff, 0x30, 0x20,
    0x3a3, 0x4e00, 0xac00]
  const rcp = () => (chance(0.7) ? pick(pool) : chance(0.5) ? range(0x20, 0x7e) : range(0xe000, 0xffff))
  const rstr = (n) => {
    let s = ''
    for (let i = 0; i < n; i++) s += String.fromCodePoint(rcp())
    return s
  }
  const pairs = [['', ''], ['', 'a'], ['a', ''], ['a', 'a'], ['a', 'b'], ['\uffff', '\ud800\udc00'], ['\ue000', '\ud83d\ude00'],
    ['\ud7ff', '\ud800\udc00'], ['ab', 'abc'], ['\ud83d\ude00', '\ud83d\ude01'], ['\uff21', '\u{10ffff}'], ['\ufffd', '\u{10000}']]
  for (let i = 0; i < 3000; i++) {
    const pre = rstr(range(0, 3))
    pairs.push([pre + rstr(range(0, 3)), chance(0.2) ? pre : pre + rstr(range(0, 3))])
  }
  const out = []
  const seen = new Set()
  for (const [a, b] of pairs) {
    const key = a + '\u0000' + b
    if (seen.has(key)) continue
    seen.add(key)
    out.push([a, b, a < b ? -1 : a > b ? 1 : 0])
  }
  return out
}

// ---------------------------------------------------------------- JSON.stringify
function genQuote() {
  const pool = [...spanList(0, 0x20), 0x22, 0x5c, 0x2f, 0x27, 0x3c, 0x3e, 0x26, 0x7f, 0x80, 0x85, 0x9f, 0xa0, 0xff, 0x2028,
    0x2029, 0xfeff, 0xfffd, 0xffff, 0x1f600, 0x10ffff, 0x3a3, 0x4e00, 0x61, 0x41, 0x30, 0x75]
  const ss = ['', 'a', '"', '\\', '\\"', '\b\f\n\r\t', '\u0000', '\u001f', '\u007f', '\u2028\u2029', '<script>&amp;</script>',
    '\ud83d\ude00', 'caf\u00e9', '\\u0041']
  for (let i = 0; i < 1500; i++) {
    let s = ''
    for (let n = range(0, 10); n > 0; n--) s += String.fromCodePoint(chance(0.8) ? pick(pool) : range(0x20, 0x7e))
    ss.push(s)
  }
  const out = []
  const seen = new Set()
  for (const s of ss) {
    if (seen.has(s)) continue
    seen.add(s)
    out.push([s, JSON.stringify(s)])
  }
  return out
}

// ---------------------------------------------------------------- TimeClip
function genTimeClip() {
  const M = 8.64e15
  const xs = [NaN, Infinity, -Infinity, 0, -0, 1.9, -1.9, 0.5, -0.5, 0.9999999999999999, -0.9999999999999999, M, -M, M + 1, M - 0.5,
    -M + 0.5, -M - 1, -M - 2, nextUp(M, 1), nextUp(M, -1), -nextUp(M, 1), 1e300, -1e300, 5e-324, -5e-324, 2 ** 53, -(2 ** 53),
    2 ** 52 + 0.5, 1.5, 2.5, -2.5, 1e15 + 0.75, -1e15 - 0.75, 1577836800000.9, -62167219200000.5]
  for (let i = 0; i < 400; i++) xs.push((rnd() * 2 - 1) * 1.01 * M)
  for (let i = 0; i < 200; i++) xs.push((rnd() * 2 - 1) * 10 ** range(-5, 17))
  for (let i = 0; i < 150; i++) xs.push(Math.round((rnd() * 2 - 1) * M) + pick([0, 0.5, -0.5, 0.25, 0.999]))
  for (let i = 0; i < 200; i++) xs.push(randomDouble())
  for (let i = 0; i < 50; i++) xs.push(M + range(-4, 4), -M + range(-4, 4))
  const out = []
  const seen = new Set()
  for (const x of xs) {
    const b = Object.is(x, -0) ? '8000000000000000' : bitsOf(x)
    if (seen.has(b)) continue
    seen.add(b)
    const t = new Date(x).getTime()
    out.push([b, Number.isNaN(t) ? null : t])
  }
  return out
}

// ---------------------------------------------------------------- dates
const pad = (n, w) => String(n).padStart(w, '0')
function daysInMonth(y, m) {
  // m 1..12, proleptic Gregorian
  if (m === 2) return (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28
  return [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
}

// The grammar ParseDate accepts (see date.go), written independently as a regexp
// plus the semantic checks, to classify generated strings.
const GRAMMAR = /^(?:(\d{4})|([+-])(\d{6}))(?:-(\d{2})(?:-(\d{2})(?:([Tt ])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))?)?)?)?$/
function inGrammar(s) {
  const m = GRAMMAR.exec(s)
  if (!m) return false
  let year
  if (m[1] !== undefined) year = Number(m[1])
  else {
    if (m[2] === '-' && m[3] === '000000') return false
    year = Number(m[3]) * (m[2] === '-' ? -1 : 1)
  }
  if (m[4] !== undefined) {
    const mo = Number(m[4])
    if (mo < 1 || mo > 12) return false
    if (m[5] !== undefined) {
      const d = Number(m[5])
      if (d < 1 || d > daysInMonth(year, mo)) return false
    }
  }
  if (m[6] !== undefined) {
    if (m[6] === ' ' && year >= 0 && year <= 99) return false
    const h = Number(m[7])
    const mi = Number(m[8])
    const se = m[9] === undefined ? 0 : Number(m[9])
    if (mi > 59 || se > 59) return false
    if (h > 24) return false
    if (h === 24 && (mi !== 0 || se !== 0 || (m[10] !== undefined && /[1-9]/.test(m[10])))) return false
    if (m[12] !== undefined && (Number(m[13]) > 23 || Number(m[14]) > 59)) return false
  }
  return true
}

function randomFraction(zero) {
  const len = pick([1, 1, 2, 3, 3, 3, 4, 5, 6, 7, 8, 9, 9, 10, 10, 11, 12, 13, 15, 20, 25])
  let f = ''
  const lead = chance(0.3) ? range(0, len) : 0
  for (let i = 0; i < len; i++) f += zero || i < lead ? '0' : String(int(10))
  return f
}

function randomDateString() {
  let year, ys
  if (chance(0.7)) {
    year = chance(0.5) ? pick([0, 1, 9, 10, 12, 31, 32, 49, 50, 99, 100, 999, 1000, 1582, 1899, 1900, 1969, 1970, 1999, 2000, 2020,
      2024, 2100, 9999]) : range(0, 9999)
    ys = pad(year, 4)
  } else {
    const v = chance(0.5) ? pick([0, 1, 5, 12, 50, 99, 100, 9999, 10000, 99999, 275759, 275760, 275761, 271820, 271821, 271822,
      999999]) : range(0, 999999)
    const sign = chance(0.5) ? '-' : '+'
    year = sign === '-' ? -v : v
    ys = sign + pad(v, 6)
  }
  const form = rnd()
  if (form < 0.05) return ys
  let mo = chance(0.97) ? range(1, 12) : pick([0, 13, 19])
  if (year === 275760 && chance(0.5)) mo = pick([8, 9, 10])
  if (year === -271821 && chance(0.5)) mo = pick([3, 4, 5])
  const ms = '-' + pad(mo, 2)
  if (form < 0.1) return ys + ms
  const dim = mo >= 1 && mo <= 12 ? daysInMonth(year, mo) : 31
  let day = chance(0.4) ? pick([1, 28, 29, 30, 31, dim, dim, dim - 1]) : range(1, dim)
  if (year === 275760 && mo === 9 && chance(0.6)) day = pick([12, 13, 14])
  if (year === -271821 && mo === 4 && chance(0.6)) day = pick([19, 20, 21])
  if (chance(0.03)) day = pick([0, dim + 1, 32])
  const ds = ys + ms + '-' + pad(day, 2)
  if (form < 0.3) return ds
  const sep = pick(['T', 'T', 'T', 'T', 'T', 't', ' ', ' ', ' '])
  let h = chance(0.1) ? 24 : chance(0.3) ? pick([0, 23]) : range(0, 23)
  if (chance(0.01)) h = 25
  const is24 = h === 24
  let mi = is24 && chance(0.9) ? 0 : chance(0.3) ? pick([0, 59]) : range(0, 59)
  if (chance(0.01)) mi = 60
  let t = pad(h, 2) + ':' + pad(mi, 2)
  if (chance(0.7)) {
    let se = is24 && chance(0.9) ? 0 : chance(0.3) ? pick([0, 59]) : range(0, 59)
    if (chance(0.01)) se = 60
    t += ':' + pad(se, 2)
    if (chance(0.55)) t += '.' + randomFraction(is24 && chance(0.85))
  }
  const z = rnd()
  if (z < 0.3) {
    // no offset
  } else if (z < 0.55) t += 'Z'
  else if (z < 0.6) t += 'z'
  else {
    const oh = chance(0.3) ? pick([0, 23]) : range(0, 23)
    const om = chance(0.3) ? pick([0, 59]) : pick([0, 30, 45, range(0, 59)])
    t += pick(['+', '-']) + pad(chance(0.01) ? 24 : oh, 2) + ':' + pad(chance(0.01) ? 60 : om, 2)
  }
  return ds + sep + t
}

function mutate(s) {
  const ops = int(7)
  const i = int(s.length + 1)
  switch (ops) {
    case 0: return s.slice(0, i) + s.slice(i + 1)
    case 1: return s.slice(0, i) + s.charAt(i) + s.slice(i)
    case 2: return s.slice(0, i) + pick('0123456789-+:.TtZz /,'.split('')) + s.slice(i + 1)
    case 3: return pick([' ', '\t', '\n', '\u00a0']) + s
    case 4: return s + pick([' ', 'Z', 'z', '0', ':00', '.', 'x', ' GMT', ' UTC', '+0100', '+01', '(UTC)'])
    case 5: return s.replace(/:(\d\d)$/, '$1').replace(/-(\d\d)-/, '-$1')
    default: return s.slice(0, i) + pick(['-', ':', '.']) + s.slice(i)
  }
}

// Expected value computed from the grammar's meaning, as a cross-check of the
// generator's understanding of V8 (mismatches are printed to stderr).
function readMillisecondsV8(f) {
  // V8's DateParser::ReadMilliseconds on a digit run: the token keeps the first
  // 9 significant digits (after leading zeros) and the full length.
  let i = 0
  while (i < f.length && f[i] === '0') i++
  const sig = f.slice(i, i + 9)
  let n = sig === '' ? 0 : Number(sig)
  let len = f.length
  if (len === 1) n *= 100
  else if (len === 2) n *= 10
  else if (len > 3) {
    if (len > 9) len = 9
    n = Math.floor(n / 10 ** (len - 3))
  }
  return n
}
function expectedMs(s) {
  const m = GRAMMAR.exec(s)
  const year = m[1] !== undefined ? Number(m[1]) : Number(m[3]) * (m[2] === '-' ? -1 : 1)
  const mo = m[4] === undefined ? 1 : Number(m[4])
  const d = m[5] === undefined ? 1 : Number(m[5])
  let t = daysFromCivil(year, mo, d) * 86400000
  if (m[6] !== undefined) {
    t += Number(m[7]) * 3600000 + Number(m[8]) * 60000 + (m[9] ? Number(m[9]) * 1000 : 0) + (m[10] ? readMillisecondsV8(m[10]) : 0)
    if (m[12] !== undefined) t -= (m[12] === '-' ? -1 : 1) * (Number(m[13]) * 3600000 + Number(m[14]) * 60000)
  }
  return Math.abs(t) > 8.64e15 ? null : t
}
function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (m + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function genDates() {
  const handRejected = ['2025-02-30', '2021-02-29', '2020-04-31', '2020-1-1', '2020/01/01', '01/02/2020', 'Jan 1 2020',
    '1 January 2020', '2020-01-01T10:00+0500', '2020-01-01T10:00:00.000+05', 'Wed, 01 Jan 2020 00:00:00 GMT',
    '2020-01-01 10:00 PM', '2020-01-01T10', '0012-05-06 10:00', '0050-06-15 10:00', '0000-03-04 00:00', '0099-12-31 23:59',
    '+000005-01-02 10:00', '+000099-01-02 10:00', '2020-01-01 24:00:00.0001', '2020-01-01T24:00:00.0001', '2020-01-01T10:00Z ',
    ' 2020-01-01', '2020-01-01 ', '12', '1', '99', '123', '12345', '2020-01-01T10:00:00.000Zulu', '2020-01-01GMT',
    '2020-01-01 UTC', '2020-01-01T10:00:00 GMT+0100', 'Tue Mar 01 2022 00:00:00 GMT+0000 (Coordinated Universal Time)',
    '2020-01-01T10:00:00,5', '2020-01-01T10:00:00.', '2020-01-01T10:00:00.Z', '-000000', '-000000-01-01', '+2020-01-01',
    '2020-13-01', '2020-00-10', '2020-01-00', '2020-01-32', '2020-01-01T25:00', '2020-01-01T10:60', '2020-01-01T10:00:60',
    '1999-12-31T23:59:60Z', '2020-01-01T1:00', '2020-01-01T10:00+24:00', '2020-01-01T10:00+23:60', '2020-01-01T10:00 Z',
    '2020-01-01t10:00Z', '20200101', '2020-01-01T10:00:00+05:00:00', '2020-01-01TZ', 'T10:00', '2020-01-01T', '2020-01',
    '2020-01-01T24:01', '2020-01-01T24:00:01', '2020-01-01T24:00:00.1', '2020-01-01T10:00:00.000+5:00', '\u0662020-01-01',
    '２０２０-01-01', '2020-01-01\u00a010:00', '2020-01-01T10:00\u2212 05:00', '2020-W01', '2020-001', 'now', 'today', '',
    '2020-01-01T10:00:00.123456789+05:30x', '+275760-09-13T00:00:00.001Z', '-271821-04-19T23:59:59.999Z',
    '2020-01-01T10:00-00:00', '2020-06-15 10:00 +05:00', '2020-06-15 10:00:00 z', '2020-06-15 10:00 Z']
  const candidates = [...handRejected, '0000', '0001-01-01', '9999-12-31T23:59:59.999Z', '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00+01:00', '-271821-04-19T23:00-01:00', '-271821-04-20T00:00+01:00',
    '2020-01-01T00:00:00.0123456789Z', '2020-01-01T00:00:00.0100000000Z', '2020-01-01 00:00:00.0123456789Z',
    '2020-12-31T24:00Z', '2020-02-29T24:00-23:59', '9999-12-31T24:00+00:00', '0100-03-04 00:00', '-000005-01-02 10:00',
    '+000100-01-01 10:00', '2020-01-01t10:00z', '2020-01-01 10:00Z', '2020-01-01T24:00:00.000000000Z',
    '+275760-09-12T24:00Z', '+275760-09-13T24:00Z', '-271821-04-20', '-271821-04', '-271821', '+275760', '+275761']
  for (let i = 0; i < 5200; i++) candidates.push(randomDateString())
  for (let i = 0; i < 2200; i++) {
    let s = randomDateString()
    for (let k = range(1, 2); k > 0; k--) s = mutate(s)
    candidates.push(s)
  }
  const dates = []
  const rejected = []
  const seen = new Set()
  let mismatches = 0
  for (const s of candidates) {
    if (seen.has(s)) continue
    seen.add(s)
    const t = new Date(s).getTime()
    const v = Number.isNaN(t) ? null : t
    if (inGrammar(s)) {
      dates.push([s, v])
      const e = expectedMs(s)
      if (e !== v) {
        mismatches++
        console.error('date cross-check mismatch', JSON.stringify(s), 'v8', v, 'expected', e)
      }
    } else {
      rejected.push([s, v])
    }
  }
  if (mismatches) console.error(mismatches, 'date mismatches')
  return { dates, rejected }
}

// ---------------------------------------------------------------- relative dates
const RealDate = globalThis.Date
function withNow(nowMs, fn) {
  class FixedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(nowMs)
      else super(...args)
    }
    static now() {
      return nowMs
    }
  }
  globalThis.Date = FixedDate
  try {
    return fn()
  } finally {
    globalThis.Date = RealDate
  }
}

function randomNow() {
  if (chance(0.1)) return Math.floor((rnd() * 2 - 1) * 8.64e15)
  if (chance(0.05)) return pick([8.64e15, -8.64e15, 0, -1, 1, 8.64e15 - 1, -8.64e15 + 1])
  const y = chance(0.7)
    ? pick([0, 1, 2, 3, 4, 5, 50, 96, 99, 100, 101, 1900, 1904, 1969, 1970, 1971, 2000, 2020, 2023, 2024, 2025, 2100, 2400, -1, -4, -5,
      -100, -400, -271821, -271820, 275759, 275760])
    : range(-271821, 275760)
  const mo = int(12)
  const dim = daysInMonth(y, mo + 1)
  const d = chance(0.6) ? pick([28, 29, 30, 31, dim, dim - 1, 1, 15]) : range(1, dim)
  const dt = new RealDate(0)
  dt.setUTCFullYear(y, mo, Math.min(d, dim))
  dt.setUTCHours(int(24), int(60), int(60), int(1000))
  const t = dt.getTime()
  return Number.isNaN(t) ? 0 : t
}

function genRelative() {
  const strs = ['10000d', '99999999999999999999999d', '5D', '5', 'd', '', '-d', '--5d', '5dd', '+5d', ' 5d', '5d ', '5d\n',
    '\u0665d', '5\u00e4', '5\u00e9', '0d', '00000000000000000000000009999y', '-0h', '9999h', '10000h', '-9999m', '1x', '1s',
    '1q', '5h\n', '\n5h', '5H', '1-d', '5.0d', '1e3d', '0x5d', '٥d', '１d', '09999w', '010000w', '-10000y']
  const out = []
  const seen = new Set()
  const push = (now, s) => {
    const key = now + '|' + s
    if (seen.has(key)) return
    seen.add(key)
    const r = withNow(now, () => relativeDateParse(s))
    const t = r === null ? null : r.getTime()
    out.push([now, s, t === null || Number.isNaN(t) ? null : t])
  }
  for (const s of strs) push(1718467200123, s)
  for (let i = 0; i < 4200; i++) {
    const now = randomNow()
    const n = chance(0.6) ? pick([0, 1, 2, 3, 11, 12, 13, 23, 24, 25, 48, 59, 100, 365, 400, 1000, 1200, 2400, 4800, 9999])
      : range(0, 9999)
    const unit = chance(0.97) ? pick(['h', 'd', 'w', 'm', 'm', 'm', 'y', 'y']) : pick(['x', 's', 'q', 'z'])
    let s = String(n) + unit
    if (chance(0.1)) s = '-' + s
    if (chance(0.05)) s = '000' + s
    push(now, s)
  }
  return out
}

// ---------------------------------------------------------------- main
const out = {
  meta: {
    node: process.versions.node,
    v8: process.versions.v8,
    icu: process.versions.icu,
    unicode: process.versions.unicode,
    posthogCore: coreVersion,
    seed: SEED.map((x) => '0x' + x.toString(16)),
  },
}
out.numberToString = genNumberToString()
out.parse = genParse()
out.whitespace = genWhitespace()
out.lowerMap = genLowerMap()
out.sigmaClass = genSigmaClass()
out.toLower = genToLower()
out.equalLower = genEqualLower()
out.compare = genCompare()
out.quote = genQuote()
out.timeClip = genTimeClip()
const d = genDates()
out.dates = d.dates
out.datesRejected = d.rejected
out.relative = genRelative()

const counts = {}
for (const [k, v] of Object.entries(out)) if (Array.isArray(v)) counts[k] = v.length
out.meta.counts = counts
console.error(JSON.stringify(counts))

// One vector per line keeps the file diffable.
let text = '{\n'
const keys = Object.keys(out)
keys.forEach((k, i) => {
  const v = out[k]
  if (Array.isArray(v)) {
    text += JSON.stringify(k) + ': [\n' + v.map((e) => JSON.stringify(e)).join(',\n') + '\n]'
  } else {
    text += JSON.stringify(k) + ': ' + JSON.stringify(v)
  }
  text += i === keys.length - 1 ? '\n' : ',\n'
})
text += '}\n'
process.stdout.write(text)
