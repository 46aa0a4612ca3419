// The hashing worker: MD5 of every file (streamed), PDQ of images. Runs off the page's thread so
// the page stays responsive; nothing here talks to the network.
import { createMD5, prepareMD5 } from "./md5-stream.js";
import { DecodeError, decodeStoredLuma } from "./decode.js";
import { orient } from "./orient.js";
import { pdqFromLuma } from "./pdq.js";
import { clippedGrey16Luma } from "./png16.js";
import { exifOrientation, sniffFormat } from "./sniff.js";

const CHUNK = 8 * 1024 * 1024;
const LOW_QUALITY = 50;

async function md5OfFile(file, progress, engine) {
  const md5 = await createMD5(engine);
  const total = file.size;
  let next = total > 0 ? file.slice(0, Math.min(CHUNK, total)).arrayBuffer() : null;
  for (let pos = 0; pos < total; ) {
    const buf = await next;
    const end = pos + buf.byteLength;
    // Read the next chunk while this one is hashed.
    next = end < total ? file.slice(end, Math.min(end + CHUNK, total)).arrayBuffer() : null;
    md5.update(new Uint8Array(buf));
    pos = end;
    progress("md5", pos, total);
  }
  return [md5.hex(), md5.engine];
}

function pdqResult(luma, width, height) {
  const { pdq, quality } = pdqFromLuma(luma, width, height);
  return { pdq, quality, lowQuality: quality < LOW_QUALITY };
}

async function imageHashes(file, format, progress) {
  const t0 = performance.now();
  const orientation = await exifOrientation(file, format);
  progress("decode", 0, 1);
  const { luma, width, height } = await decodeStoredLuma(file, format, orientation);
  // 16-bit grey only: the samples clipped at 255, as stock python-threatexchange decodes them.
  const clipped = format === "png" ? await clippedGrey16Luma(file) : null;
  progress("decode", 1, 1);
  const t1 = performance.now();
  const steps = 1 + (orientation === 1 ? 0 : 1) + (clipped ? 1 : 0);
  let step = 0;
  progress("pdq", step, steps);
  // The oriented plane first: pdqFromLuma overwrites the plane it is given.
  const shown = orientation === 1 ? null : orient(luma, width, height, orientation);
  const out = { orientation, width, height, ...pdqResult(luma, width, height) };
  if (shown) {
    progress("pdq", ++step, steps);
    const o = pdqResult(...shown);
    out.pdqOriented = o.pdq;
    out.qualityOriented = o.quality;
    out.lowQualityOriented = o.lowQuality;
  }
  if (clipped) {
    progress("pdq", ++step, steps);
    const c = pdqResult(clipped.luma, clipped.width, clipped.height);
    out.pdqClipped = c.pdq;
    out.qualityClipped = c.quality;
    out.lowQualityClipped = c.lowQuality;
  }
  progress("pdq", steps, steps);
  out.timings = { decodeMs: t1 - t0, pdqMs: performance.now() - t1 };
  return out;
}

async function hashOne(id, file, md5Engine) {
  const progress = (phase, done, total) => postMessage({ id, progress: { phase, done, total } });
  const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
  const format = sniffFormat(head);
  const result = { size: file.size, kind: format ? "image" : "other" };
  // Start the MD5 first: while the browser decodes the image on its own thread, this worker
  // would otherwise sit idle.
  const t0 = performance.now();
  const md5 = md5OfFile(file, progress, md5Engine).then((r) => [...r, performance.now() - t0]);
  if (format) {
    result.format = format;
    try {
      Object.assign(result, await imageHashes(file, format, progress));
    } catch (err) {
      const code = err instanceof DecodeError ? err.code : "undecodable";
      result.error = "image_decode_failed";
      // Chromium decodes AVIF itself: a failure there is an unsupported AVIF flavour. HEIC goes
      // through libheif, which tells a damaged file from a decoder that did not load.
      result.decodeError = format === "avif" ? "avif_unsupported" : code;
      result.decodeMessage = String(err && err.message ? err.message : err);
    }
  }
  const [hex, engine, md5Ms] = await md5;
  result.md5 = hex;
  result.md5Engine = engine;
  result.timings = { ...result.timings, md5Ms };
  return result;
}

// Run the hot loops, and the browser's decoders, once on small inputs so that they are compiled
// and started before the first photo.
async function warmUp() {
  const side = 256;
  const luma = new Float32Array(side * side);
  for (let i = 0; i < luma.length; i++) luma[i] = (i * 2654435761) % 251;
  const [shown] = orient(luma, side, side, 6);
  pdqFromLuma(shown, side, side);
  pdqFromLuma(luma, side, side);
  await prepareMD5();
  try {
    const canvas = new OffscreenCanvas(side, side);
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#c84";
    ctx.fillRect(16, 16, 128, 200);
    for (const type of ["image/jpeg", "image/png"]) {
      await hashOne(0, await canvas.convertToBlob({ type }));
    }
  } catch {
    // Warming up is only an optimisation.
  }
}

// One file at a time, in arrival order: decoding several 12 MP images at once would only
// multiply memory use.
let queue = Promise.resolve();
self.onmessage = (event) => {
  const { id, file, warmup, md5Engine } = event.data;
  if (warmup) {
    queue = queue.then(async () => {
      await warmUp();
      postMessage({ id, result: { warm: true } });
    });
    return;
  }
  queue = queue.then(async () => {
    try {
      postMessage({ id, result: await hashOne(id, file, md5Engine) });
    } catch (err) {
      postMessage({ id, failure: String(err && err.message ? err.message : err) });
    }
  });
};
