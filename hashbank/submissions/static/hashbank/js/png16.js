// 16-bit grey PNG decoded a second way: every sample clipped at 255, which is what stock
// python-threatexchange (and so HMA) hashes (Pillow's convert("RGB") of mode I;16). The canonical
// pixels keep the high byte, and the browser's decoders only ever hand back that byte, so for this
// second view the samples are read here: chunks, zlib (DecompressionStream), the five PNG row
// filters and Adam7 interlacing. Only 16-bit grey (colour type 0) comes here; the offline hasher's
// counterpart is member_portal.imaging.clipped_rgb.

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const BYTES_PER_SAMPLE = 2;
// Adam7 passes: [x0, y0, dx, dy].
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

// Luma of grey v (R = G = B = v) exactly as decode.js computes it from RGB: in double precision,
// left to right, stored as float32.
const LUMA = new Float32Array(256);
for (let v = 0; v < 256; v++) LUMA[v] = v * 0.299 + v * 0.587 + v * 0.114;

function u32(bytes, at) {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/**
 * The IHDR of a 16-bit grey PNG from the file's first 33 bytes, or null for anything else.
 * @returns {{width: number, height: number, interlaced: boolean} | null}
 */
export function grey16Header(head) {
  if (head.length < 33 || SIGNATURE.some((b, i) => head[i] !== b)) return null;
  const isIhdr = head[12] === 0x49 && head[13] === 0x48 && head[14] === 0x44 && head[15] === 0x52;
  if (!isIhdr || head[24] !== 16 || head[25] !== 0) return null;
  return { width: u32(head, 16), height: u32(head, 20), interlaced: head[28] === 1 };
}

async function inflatedImageData(bytes) {
  const parts = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = u32(bytes, at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (type === "IDAT") parts.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === "IEND") break;
    at += 12 + length;
  }
  const stream = new Blob(parts).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// Undo one row's filter in place; `prev` is the previous row of the same pass, already undone
// (null for a pass's first row, which filters against zeros).
function unfilterRow(filter, row, prev) {
  const bpp = BYTES_PER_SAMPLE;
  const n = row.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < n; i++) row[i] = (row[i] + row[i - bpp]) & 255;
      return;
    case 2:
      if (prev) for (let i = 0; i < n; i++) row[i] = (row[i] + prev[i]) & 255;
      return;
    case 3:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = prev ? prev[i] : 0;
        row[i] = (row[i] + ((a + b) >> 1)) & 255;
      }
      return;
    case 4:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = prev ? prev[i] : 0;
        const c = prev && i >= bpp ? prev[i - bpp] : 0;
        row[i] = (row[i] + paeth(a, b, c)) & 255;
      }
      return;
    default:
      throw new Error(`PNG row filter ${filter}`);
  }
}

/**
 * Luma of a 16-bit grey PNG with every sample clipped at 255, or null when the file is not one.
 * @param {Blob} file
 * @returns {Promise<{luma: Float32Array, width: number, height: number} | null>}
 */
export async function clippedGrey16Luma(file) {
  const header = grey16Header(new Uint8Array(await file.slice(0, 33).arrayBuffer()));
  if (!header) return null;
  const { width, height, interlaced } = header;
  const data = await inflatedImageData(new Uint8Array(await file.arrayBuffer()));
  const luma = new Float32Array(width * height);
  let at = 0;
  for (const [x0, y0, dx, dy] of interlaced ? ADAM7 : [[0, 0, 1, 1]]) {
    const passWidth = Math.ceil((width - x0) / dx);
    const passHeight = Math.ceil((height - y0) / dy);
    if (passWidth <= 0 || passHeight <= 0) continue;
    const rowBytes = passWidth * BYTES_PER_SAMPLE;
    let prev = null;
    for (let py = 0; py < passHeight; py++) {
      if (at + 1 + rowBytes > data.length) throw new Error("PNG image data is truncated");
      const row = data.subarray(at + 1, at + 1 + rowBytes);
      unfilterRow(data[at], row, prev);
      const y = y0 + py * dy;
      for (let px = 0; px < passWidth; px++) {
        // High byte non-zero: the sample is 256 or more, clipped to 255.
        const v = row[2 * px] ? 255 : row[2 * px + 1];
        luma[y * width + x0 + px * dx] = LUMA[v];
      }
      prev = row;
      at += 1 + rowBytes;
    }
  }
  return { luma, width, height };
}
