// Hash a file on this device: MD5 of every file, PDQ of images. The file's bytes never leave the
// page: they go to a Web Worker (hasher-worker.js) in this same origin and nowhere else.
//
//   import { hashFile } from "/static/hashbank/js/hasher.js";
//   const r = await hashFile(file, { onProgress: ({ phase, done, total }) => ... });
//
// Result for an image: {md5, pdq, quality, lowQuality, orientation, width, height, size, kind,
// format} plus, when EXIF orientation is not 1, {pdqOriented, qualityOriented,
// lowQualityOriented}: `pdq` is the hash of the pixels as stored, `pdqOriented` of the pixels as
// displayed; for a 16-bit grey PNG also {pdqClipped, qualityClipped, lowQualityClipped}, the hash
// of the samples clipped at 255 (what stock python-threatexchange computes). For other files:
// {md5, size, kind: "other"}. Always `md5Engine`: "wasm" (our WebAssembly core), "hash-wasm"
// (if that one cannot load) or "js" (md5.js, the fallback when WebAssembly cannot load). HEIC/HEIF is decoded by libheif in WebAssembly. When
// an image cannot be decoded the result still has `md5`, plus `error: "image_decode_failed"` and
// `decodeError` (one of "heic_unsupported" (libheif could not load), "avif_unsupported",
// "undecodable", "too_large"). Phases reported through onProgress: "decode", "pdq", "md5"
// (done/total in bytes for md5, in steps otherwise).

/** Quality below which a PDQ hash is unreliable: flagged, and not published as PDQ. */
export const LOW_QUALITY = 50;

let worker = null;
let nextId = 1;
const pending = new Map();

function getWorker() {
  if (worker) return worker;
  worker = new Worker(new URL("./hasher-worker.js", import.meta.url), { type: "module" });
  worker.onmessage = (event) => {
    const { id, progress, result, failure } = event.data;
    const job = pending.get(id);
    if (!job) return;
    if (progress) {
      if (job.onProgress) job.onProgress(progress);
      return;
    }
    pending.delete(id);
    if (result) job.resolve(result);
    else job.reject(new Error(failure || "hashing failed"));
  };
  worker.onerror = (event) => {
    const err = new Error(event.message || "the hashing worker failed");
    for (const job of pending.values()) job.reject(err);
    pending.clear();
    worker = null;
  };
  return worker;
}

/**
 * Hash one File or Blob in a Web Worker.
 * @param {Blob} file
 * @param {{onProgress?: (p: {phase: string, done: number, total: number}) => void,
 *          md5Engine?: "auto" | "hash-wasm" | "js"}} [options]  forces a fallback (tests, bench)
 * @returns {Promise<object>}
 */
export function hashFile(file, { onProgress, md5Engine = "auto" } = {}) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject, onProgress });
    getWorker().postMessage({ id, file, md5Engine });
  });
}

/**
 * Start the worker and let it compile its hot code now (call it when the file picker is shown),
 * so the first photo is hashed at full speed. Optional; resolves when the worker is ready.
 * @returns {Promise<void>}
 */
export function prepareHasher() {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve: () => resolve(), reject, onProgress: null });
    getWorker().postMessage({ id, warmup: true });
  });
}

/** Stop the worker (e.g. when the person leaves the page quickly). Pending hashes are rejected. */
export function stopHashing() {
  if (!worker) return;
  worker.terminate();
  worker = null;
  for (const job of pending.values()) job.reject(new Error("hashing stopped"));
  pending.clear();
}
