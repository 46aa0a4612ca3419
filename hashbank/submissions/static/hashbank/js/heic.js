// HEIC/HEIF (the iPhone's default) decoded with libheif compiled to WebAssembly: libheif-js,
// vendored under ../vendor/libheif-js/ (see VENDOR.md there). Chromium has no HEIC decoder of its
// own. The 2 MB module is imported only when a HEIC file is picked, inside the worker.
//
// libheif converts YCbCr to RGB itself, the same code (same libheif minor version) that
// pillow-heif runs, so the pixels, and hence the PDQ, equal `pillow-heif` + `pdqhash`'s.

let libheif = null;

/** Thrown when the decoder itself cannot be loaded (not when a file is damaged). */
export class HeicUnavailable extends Error {}

function loadLibheif() {
  if (!libheif) {
    libheif = import("../vendor/libheif-js/libheif-bundle.mjs").then((m) => m.default());
    // A failed load may be a passing one (the network, memory): let the next file try again.
    libheif.catch(() => {
      libheif = null;
    });
  }
  return libheif;
}

/**
 * The primary image of a HEIF file as 8-bit RGBA, with the file's own transformations (irot,
 * imir, clap) applied as libheif and pillow-heif apply them.
 * @param {Blob} file
 * @param {number} maxPixels
 * @returns {Promise<{data: Uint8ClampedArray, width: number, height: number} | {tooLarge: string}>}
 */
export async function decodeHeic(file, maxPixels) {
  let lib;
  try {
    lib = await loadLibheif();
  } catch (err) {
    throw new HeicUnavailable(String(err && err.message ? err.message : err));
  }
  const decoder = new lib.HeifDecoder();
  const images = decoder.decode(new Uint8Array(await file.arrayBuffer()));
  try {
    const image = images.find((i) => i.is_primary()) || images[0];
    if (!image) return null;
    const width = image.get_width();
    const height = image.get_height();
    if (width * height > maxPixels) return { tooLarge: `${width}x${height} pixels` };
    const out = { data: new Uint8ClampedArray(width * height * 4), width, height };
    const shown = await new Promise((resolve) => image.display(out, resolve));
    return shown ? out : null;
  } finally {
    for (const image of images) image.free();
    if (decoder.decoder) lib.heif_context_free(decoder.decoder);
  }
}
