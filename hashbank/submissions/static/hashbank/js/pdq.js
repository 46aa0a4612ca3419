// PDQ (Meta's 256-bit perceptual hash), written to give bit-identical results to the `pdqhash`
// PyPI package (ThreatExchange's C++ core) run on the same RGB pixels at full resolution.
// Every step keeps the C++ float32 arithmetic and operation order: a float32 result of a single
// +, -, * or / equals the double result rounded with Math.fround, so each C++ float operation is
// one JS operation wrapped in fround (or stored into a Float32Array).

const fround = Math.fround;
const MIN_HASHABLE_DIM = 5;

// The 16x64 DCT matrix, as the C++ builds it: a float scale times a double cosine, stored as float.
const DCT = (() => {
  const scale = fround(Math.sqrt(2.0 / 64));
  const d = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      d[i * 64 + j] = scale * Math.cos((Math.PI / 2.0 / 64) * (i + 1) * (2 * j + 1));
    }
  }
  return d;
})();

/** The DCT matrix, exported so the tests can compare it with the C++ one. */
export function dctMatrix() {
  return Array.from(DCT);
}

function windowSize(oldDim, newDim) {
  return Math.floor((oldDim + 2 * newDim - 1) / (2 * newDim));
}

// One Jarosz box pass along each row (C++ box1DFloat with stride 1). Four rows advance together:
// each row's running sum is a serial chain of rounded adds, and interleaving four independent
// chains lets the CPU overlap them. Every row still sees exactly the C++ sequence of operations.
// In place (input === out): each group of rows is copied to a small temp first.
function boxRows(input, out, rows, cols, win) {
  const half = Math.floor((win + 2) / 2);
  const p1 = half - 1;
  const p2 = win - half + 1;
  const p3 = cols - win;
  const p4 = half - 1;
  const tmp = input === out ? new Float32Array(4 * cols) : null;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    let src = input;
    let shift = 0; // output index = input index + shift
    if (tmp) {
      tmp.set(input.subarray(r * cols, (r + 4) * cols));
      src = tmp;
      shift = r * cols;
    }
    const a = r * cols - shift;
    const b = a + cols;
    const c = b + cols;
    const d = c + cols;
    let sa = 0;
    let sb = 0;
    let sc = 0;
    let sd = 0;
    let size = 0;
    let ri = 0;
    let li = 0;
    let oi = 0;
    for (let i = 0; i < p1; i++, ri++) {
      sa = fround(sa + src[a + ri]);
      sb = fround(sb + src[b + ri]);
      sc = fround(sc + src[c + ri]);
      sd = fround(sd + src[d + ri]);
      size++;
    }
    for (let i = 0; i < p2; i++, ri++, oi++) {
      sa = fround(sa + src[a + ri]);
      sb = fround(sb + src[b + ri]);
      sc = fround(sc + src[c + ri]);
      sd = fround(sd + src[d + ri]);
      size++;
      out[a + shift + oi] = sa / size;
      out[b + shift + oi] = sb / size;
      out[c + shift + oi] = sc / size;
      out[d + shift + oi] = sd / size;
    }
    for (let i = 0; i < p3; i++, ri++, li++, oi++) {
      sa = fround(fround(sa + src[a + ri]) - src[a + li]);
      sb = fround(fround(sb + src[b + ri]) - src[b + li]);
      sc = fround(fround(sc + src[c + ri]) - src[c + li]);
      sd = fround(fround(sd + src[d + ri]) - src[d + li]);
      out[a + shift + oi] = sa / size;
      out[b + shift + oi] = sb / size;
      out[c + shift + oi] = sc / size;
      out[d + shift + oi] = sd / size;
    }
    for (let i = 0; i < p4; i++, li++, oi++) {
      sa = fround(sa - src[a + li]);
      sb = fround(sb - src[b + li]);
      sc = fround(sc - src[c + li]);
      sd = fround(sd - src[d + li]);
      size--;
      out[a + shift + oi] = sa / size;
      out[b + shift + oi] = sb / size;
      out[c + shift + oi] = sc / size;
      out[d + shift + oi] = sd / size;
    }
  }
  for (; r < rows; r++) {
    const base = r * cols;
    let src = input;
    let ri = base;
    if (tmp) {
      tmp.set(input.subarray(base, base + cols));
      src = tmp;
      ri = 0;
    }
    let li = ri;
    let sum = 0;
    let size = 0;
    let oi = base;
    for (let i = 0; i < p1; i++) {
      sum = fround(sum + src[ri++]);
      size++;
    }
    for (let i = 0; i < p2; i++) {
      sum = fround(sum + src[ri++]);
      size++;
      out[oi++] = sum / size;
    }
    for (let i = 0; i < p3; i++) {
      sum = fround(sum + src[ri++]);
      sum = fround(sum - src[li++]);
      out[oi++] = sum / size;
    }
    for (let i = 0; i < p4; i++) {
      sum = fround(sum - src[li++]);
      size--;
      out[oi++] = sum / size;
    }
  }
}

// The same pass, but only the outputs at columns `keep` (non-decreasing) are written, to
// out[row * keep.length + k]: the running sums are the full pass's, so the values are too.
// Rows advance four at a time, as in boxRows; a rows % 4 tail goes one row at a time.
function boxRowsSampled(input, out, rows, cols, win, keep) {
  const half = Math.floor((win + 2) / 2);
  const p1 = half - 1;
  const p2 = win - half + 1;
  const p3 = cols - win;
  const p4 = half - 1;
  const nk = keep.length;
  const step = rows >= 4 ? 4 : 1;
  for (let r = 0; r < rows; ) {
    const n = r + step <= rows ? step : 1; // rows handled in this sweep: 4, or 1 for the tail
    const a = r * cols;
    const b = n === 4 ? a + cols : a;
    const c = n === 4 ? b + cols : a;
    const d = n === 4 ? c + cols : a;
    let sa = 0;
    let sb = 0;
    let sc = 0;
    let sd = 0;
    let size = 0;
    let ri = 0;
    let li = 0;
    let oi = 0;
    let k = 0;
    let next = keep[0];
    const emit = () => {
      const o = r * nk + k;
      out[o] = sa / size;
      if (n === 4) {
        out[o + nk] = sb / size;
        out[o + 2 * nk] = sc / size;
        out[o + 3 * nk] = sd / size;
      }
      k++;
      next = k < nk ? keep[k] : -1;
    };
    for (let i = 0; i < p1; i++, ri++) {
      sa = fround(sa + input[a + ri]);
      sb = fround(sb + input[b + ri]);
      sc = fround(sc + input[c + ri]);
      sd = fround(sd + input[d + ri]);
      size++;
    }
    for (let i = 0; i < p2; i++, ri++, oi++) {
      sa = fround(sa + input[a + ri]);
      sb = fround(sb + input[b + ri]);
      sc = fround(sc + input[c + ri]);
      sd = fround(sd + input[d + ri]);
      size++;
      while (oi === next) emit(); // images under 64 px repeat columns
    }
    for (let i = 0; i < p3; i++, ri++, li++, oi++) {
      sa = fround(fround(sa + input[a + ri]) - input[a + li]);
      sb = fround(fround(sb + input[b + ri]) - input[b + li]);
      sc = fround(fround(sc + input[c + ri]) - input[c + li]);
      sd = fround(fround(sd + input[d + ri]) - input[d + li]);
      while (oi === next) emit(); // images under 64 px repeat columns
    }
    for (let i = 0; i < p4; i++, li++, oi++) {
      sa = fround(sa - input[a + li]);
      sb = fround(sb - input[b + li]);
      sc = fround(sc - input[c + li]);
      sd = fround(sd - input[d + li]);
      size--;
      while (oi === next) emit(); // images under 64 px repeat columns
    }
    r += n;
  }
}

// One Jarosz box pass down each column (C++ box1DFloat with stride numCols), in place. All columns
// advance together row by row (cache-friendly); each column sees exactly the C++ sequence of
// operations. Row oi is overwritten only after rows li < oi are no longer read from the plane:
// their originals are kept in a ring of win + 2 rows (oi - li never exceeds win).
function boxColsInPlace(plane, rows, cols, win) {
  const half = Math.floor((win + 2) / 2);
  const p1 = half - 1;
  const p2 = win - half + 1;
  const p3 = rows - win;
  const p4 = half - 1;
  const ringRows = win + 2;
  const ring = new Float32Array(ringRows * cols);
  const sum = new Float32Array(cols);
  let ri = 0;
  let li = 0;
  let oi = 0;
  let size = 0;
  const keep = (row) => ring.set(plane.subarray(row * cols, (row + 1) * cols), (row % ringRows) * cols);
  for (let i = 0; i < p1; i++, ri++) {
    const a = ri * cols;
    for (let c = 0; c < cols; c++) sum[c] += plane[a + c];
    size++;
  }
  for (let i = 0; i < p2; i++, ri++, oi++) {
    size++;
    keep(oi);
    const a = ri * cols;
    const o = oi * cols;
    for (let c = 0; c < cols; c++) {
      const v = fround(sum[c] + plane[a + c]);
      sum[c] = v;
      plane[o + c] = v / size;
    }
  }
  for (let i = 0; i < p3; i++, ri++, li++, oi++) {
    keep(oi);
    const a = ri * cols;
    const l = (li % ringRows) * cols;
    const o = oi * cols;
    for (let c = 0; c < cols; c++) {
      const v = fround(fround(sum[c] + plane[a + c]) - ring[l + c]);
      sum[c] = v;
      plane[o + c] = v / size;
    }
  }
  for (let i = 0; i < p4; i++, li++, oi++) {
    size--;
    keep(oi);
    const l = (li % ringRows) * cols;
    const o = oi * cols;
    for (let c = 0; c < cols; c++) {
      const v = fround(sum[c] - ring[l + c]);
      sum[c] = v;
      plane[o + c] = v / size;
    }
  }
}

function decimationIndices(inDim) {
  const idx = new Int32Array(64);
  for (let o = 0; o < 64; o++) idx[o] = Math.floor(((o + 0.5) * inDim) / 64);
  return idx;
}

// Blur (two Jarosz x/y passes) and decimate to 64x64, overwriting the luma plane. The second
// pass only computes what the decimation reads: whole running sums along the rows, but written
// only for the 64 sampled columns; then the columns of that narrow plane.
function downsample64(luma, rows, cols) {
  const out = new Float32Array(64 * 64);
  if (rows === 64 && cols === 64) {
    out.set(luma);
    return out;
  }
  const winAlongRows = windowSize(cols, 64);
  const winAlongCols = windowSize(rows, 64);
  const rowIdx = decimationIndices(rows);
  const colIdx = decimationIndices(cols);
  boxRows(luma, luma, rows, cols, winAlongRows);
  boxColsInPlace(luma, rows, cols, winAlongCols);
  const narrow = new Float32Array(rows * 64);
  boxRowsSampled(luma, narrow, rows, cols, winAlongRows, colIdx);
  boxColsInPlace(narrow, rows, 64, winAlongCols);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 64; j++) out[i * 64 + j] = narrow[rowIdx[i] * 64 + j];
  }
  return out;
}

function qualityOf(a) {
  let gradientSum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      const d = Math.trunc(fround(fround(fround(a[i * 64 + j] - a[(i + 1) * 64 + j]) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      const d = Math.trunc(fround(fround(fround(a[i * 64 + j] - a[i * 64 + j + 1]) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  return Math.min(100, Math.floor(gradientSum / 90));
}

function dct64To16(a) {
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = fround(s + fround(DCT[i * 64 + k] * a[k * 64 + j]));
      t[i * 64 + j] = s;
    }
  }
  const b = new Float32Array(16 * 16);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = fround(s + fround(t[i * 64 + k] * DCT[j * 64 + k]));
      b[i * 16 + j] = s;
    }
  }
  return b;
}

// Torben's median, as in ThreatExchange's torben.cpp (float32 throughout).
function torben(m) {
  const n = m.length;
  let min = m[0];
  let max = m[0];
  for (let i = 1; i < n; i++) {
    if (m[i] < min) min = m[i];
    if (m[i] > max) max = m[i];
  }
  let less, greater, equal, guess, maxlt, mingt;
  for (;;) {
    guess = fround(fround(min + max) / 2);
    less = 0;
    greater = 0;
    equal = 0;
    maxlt = min;
    mingt = max;
    for (let i = 0; i < n; i++) {
      if (m[i] < guess) {
        less++;
        if (m[i] > maxlt) maxlt = m[i];
      } else if (m[i] > guess) {
        greater++;
        if (m[i] < mingt) mingt = m[i];
      } else {
        equal++;
      }
    }
    const h = Math.floor((n + 1) / 2);
    if (less <= h && greater <= h) break;
    if (less > greater) max = maxlt;
    else min = mingt;
  }
  const h = Math.floor((n + 1) / 2);
  if (less >= h) return maxlt;
  if (less + equal >= h) return guess;
  return mingt;
}

// Bit k = 16*i + j is set when dct[i][j] > median; the hex is words 15..0, 4 hex digits each.
function bitsToHex(b) {
  const median = torben(b);
  let hex = "";
  for (let w = 15; w >= 0; w--) {
    let word = 0;
    for (let bit = 0; bit < 16; bit++) {
      if (b[w * 16 + bit] > median) word |= 1 << bit;
    }
    hex += word.toString(16).padStart(4, "0");
  }
  return hex;
}

/**
 * PDQ hash and quality of a float32 luma plane (rows x cols, row-major). The plane is overwritten.
 * @returns {{pdq: string, quality: number}}
 */
export function pdqFromLuma(luma, cols, rows) {
  if (rows < MIN_HASHABLE_DIM || cols < MIN_HASHABLE_DIM) {
    return { pdq: "0".repeat(64), quality: 0 };
  }
  const a = downsample64(luma, rows, cols);
  const quality = qualityOf(a);
  return { pdq: bitsToHex(dct64To16(a)), quality };
}
