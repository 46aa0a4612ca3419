// Decode an image to the luma plane of its pixels *as stored* (before EXIF orientation), with no
// colour management and no alpha premultiplication, so that PDQ matches `pdqhash` on Pillow's
// `Image.open(f).convert("RGB")` pixels.
//
// Two paths, chosen by what Chromium actually returns (see docs/browser-hasher.md):
// - WebCodecs ImageDecoder with premultiplyAlpha "none": for PNG, GIF, WebP, BMP it hands back
//   the decoder's own RGB(A) buffer, unrotated and unpremultiplied; exact even under alpha 0.
// - createImageBitmap, then the bitmap's pixels (through a VideoFrame for JPEG, else
//   OffscreenCanvas.getImageData): for JPEG (ImageDecoder gives JPEG as I420 YUV planes, whose
//   RGB conversion differs from libjpeg-turbo's) and for browsers without ImageDecoder. The
//   canvas premultiplies alpha (lossy where alpha < 255; JPEG has no alpha), and the browser
//   applies EXIF orientation, which we undo.
// - HEIC/HEIF: libheif in WebAssembly (heic.js), whose RGBA is exactly pillow-heif's RGB.
import { HeicUnavailable, decodeHeic } from "./heic.js";
import { orient } from "./orient.js";

const MAX_PIXELS = 100 * 1000 * 1000; // beyond this, decoding would exhaust a phone's memory
// Decoders read the whole file into memory: a multi-GB file that only starts like an image
// (a video, a disk image) gets its MD5 and no decode.
const MAX_IMAGE_BYTES = 256 * 1024 * 1024;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const MIME = {
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  bmp: "image/bmp",
  avif: "image/avif",
  heic: "image/heic",
};

/**
 * Luma of 8-bit RGBA or BGRA pixels, as pdqhash's Python binding computes it: in double precision
 * (numpy float64, left to right), then cast to float32. Alpha is ignored. The float32 plane is
 * written over the pixel buffer itself (4 bytes a pixel either way; pixel p is read before float
 * p, at or before it, is written): a fresh 48 MB array for a 12 MP photo costs tens of
 * milliseconds in page faults, and phones are short of memory.
 */
function lumaFromPixels(data, width, height, offset, stride, order) {
  const rShift = order === "bgra" ? 16 : 0;
  const bShift = 16 - rShift;
  const nWords = (stride / 4) * (height - 1) + width;
  const fits = data.byteOffset + offset + nWords * 4 <= data.buffer.byteLength;
  if (LITTLE_ENDIAN && (data.byteOffset + offset) % 4 === 0 && stride % 4 === 0 && fits) {
    // One 32-bit load per pixel; bytes are R,G,B,A (or B,G,R,A) from the lowest address.
    const words = new Uint32Array(data.buffer, data.byteOffset + offset, nWords);
    const luma = new Float32Array(data.buffer, data.byteOffset + offset, width * height);
    const rowWords = stride / 4;
    for (let y = 0, p = 0; y < height; y++) {
      for (let q = y * rowWords, end = q + width; q < end; q++, p++) {
        const px = words[q];
        luma[p] = ((px >>> rShift) & 255) * 0.299 + ((px >>> 8) & 255) * 0.587 + ((px >>> bShift) & 255) * 0.114;
      }
    }
    return luma;
  }
  const luma = new Float32Array(width * height);
  const r = rShift / 8;
  const b = 2 - r;
  for (let y = 0, p = 0; y < height; y++) {
    for (let q = offset + y * stride, end = q + width * 4; q < end; q += 4, p++) {
      luma[p] = data[q + r] * 0.299 + data[q + 1] * 0.587 + data[q + b] * 0.114;
    }
  }
  return luma;
}

export class DecodeError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function checkSize(width, height) {
  if (width * height > MAX_PIXELS) throw new DecodeError("too_large", `${width}x${height} pixels`);
}

// Returns {luma, width, height} of the stored pixels, or {browserRotates} when the frame is not
// plain RGB (JPEG) and the canvas path must be used, or null when ImageDecoder cannot help.
async function viaImageDecoder(file, format) {
  // JPEG would come back as I420 planes: not worth decoding twice.
  if (typeof ImageDecoder === "undefined" || !MIME[format] || format === "jpeg") return null;
  let decoder;
  let frame;
  try {
    if (!(await ImageDecoder.isTypeSupported(MIME[format]))) return null;
    decoder = new ImageDecoder({
      data: file.stream(),
      type: MIME[format],
      premultiplyAlpha: "none",
      colorSpaceConversion: "none",
      preferAnimation: false,
    });
    frame = (await decoder.decode({ frameIndex: 0 })).image;
  } catch {
    if (decoder) decoder.close();
    return null; // let the canvas path try, and report its error
  }
  try {
    const order = { RGBA: "rgba", RGBX: "rgba", BGRA: "bgra", BGRX: "bgra" }[frame.format];
    if (!order) return { browserRotates: Boolean(frame.rotation) || Boolean(frame.flip) };
    const width = frame.codedWidth;
    const height = frame.codedHeight;
    checkSize(width, height);
    const data = new Uint8Array(frame.allocationSize());
    const [layout] = await frame.copyTo(data);
    const luma = lumaFromPixels(data, width, height, layout.offset, layout.stride, order);
    return { luma, width, height };
  } finally {
    frame.close();
    decoder.close();
  }
}

// Opaque images only (JPEG): a VideoFrame made from the bitmap hands its pixels back in one copy,
// cheaper than drawing them into a canvas and reading them out again.
async function bitmapPixelsViaVideoFrame(bitmap) {
  if (typeof VideoFrame === "undefined") return null;
  let frame;
  try {
    frame = new VideoFrame(bitmap, { timestamp: 0 });
    const order = { RGBA: "rgba", RGBX: "rgba", BGRA: "bgra", BGRX: "bgra" }[frame.format];
    // An EXIF-oriented bitmap becomes a frame of the unrotated pixels plus rotation metadata:
    // only take frames whose pixels are exactly the bitmap's.
    const plain = !frame.rotation && !frame.flip;
    if (!order || !plain || frame.codedWidth !== bitmap.width || frame.codedHeight !== bitmap.height) {
      return null;
    }
    const data = new Uint8Array(frame.allocationSize());
    const [layout] = await frame.copyTo(data);
    return { data, offset: layout.offset, stride: layout.stride, order };
  } catch {
    return null;
  } finally {
    if (frame) frame.close();
  }
}

function bitmapPixelsViaCanvas(bitmap) {
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(0, 0, width, height, { colorSpace: "srgb" }).data;
  canvas.width = 1; // release the canvas memory early
  return { data, offset: 0, stride: width * 4, order: "rgba" };
}

// Pixels as the browser displays them (it applies EXIF orientation whatever it is asked).
async function viaBitmap(file, format, orientation) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, {
      colorSpaceConversion: "none",
      premultiplyAlpha: "none",
      imageOrientation: "from-image",
    });
  } catch (err) {
    throw new DecodeError("undecodable", String(err && err.message ? err.message : err));
  }
  const { width, height } = bitmap;
  try {
    checkSize(width, height);
    const px =
      (format === "jpeg" && orientation === 1 && (await bitmapPixelsViaVideoFrame(bitmap))) ||
      bitmapPixelsViaCanvas(bitmap);
    const luma = lumaFromPixels(px.data, width, height, px.offset, px.stride, px.order);
    return { luma, width, height };
  } finally {
    bitmap.close();
  }
}

async function viaLibheif(file) {
  let px;
  try {
    px = await decodeHeic(file, MAX_PIXELS);
  } catch (err) {
    const code = err instanceof HeicUnavailable ? "heic_unsupported" : "undecodable";
    throw new DecodeError(code, String(err && err.message ? err.message : err));
  }
  if (!px) throw new DecodeError("undecodable", "libheif found no image");
  if (px.tooLarge) throw new DecodeError("too_large", px.tooLarge);
  const { data, width, height } = px;
  return { luma: lumaFromPixels(data, width, height, 0, width * 4, "rgba"), width, height };
}

/**
 * Luma of the stored pixels of an image file.
 * @param {Blob} file
 * @param {string} format  from sniffFormat
 * @param {number} orientation  the file's EXIF orientation (1..8)
 * @returns {Promise<{luma: Float32Array, width: number, height: number}>}
 */
export async function decodeStoredLuma(file, format, orientation) {
  if (file.size > MAX_IMAGE_BYTES) throw new DecodeError("too_large", `${file.size} bytes`);
  if (format === "heic") return viaLibheif(file);
  const direct = await viaImageDecoder(file, format);
  if (direct && direct.luma) return direct;
  const shown = await viaBitmap(file, format, orientation);
  // Which orientation did the browser apply? Every current browser orients JPEG from EXIF
  // (createImageBitmap "from-image"); for other formats ImageDecoder's frame metadata says, and
  // without ImageDecoder we assume Chromium's behaviour (PNG eXIf oriented, WebP EXIF not).
  const applied = format === "jpeg" || (direct ? direct.browserRotates : format === "png");
  if (!applied || orientation === 1) return shown;
  const [luma, width, height] = orient(shown.luma, shown.width, shown.height, orientation, true);
  return { luma, width, height };
}
