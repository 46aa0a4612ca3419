// What kind of file is this, and which EXIF orientation does it carry? Read from the bytes, not
// the file name or MIME type (which the person's system may get wrong).

/** Image format from the first bytes, or null when the file is not a recognised image. */
export function sniffFormat(head) {
  const b = head;
  const ascii = (o, n) => String.fromCharCode(...b.subarray(o, o + n));
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b.length >= 8 && ascii(1, 3) === "PNG" && b[0] === 0x89) return "png";
  if (b.length >= 6 && (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a")) return "gif";
  if (b.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 4) === "WEBP") return "webp";
  // BMP: "BM", then a DIB header whose size is one of the known versions.
  if (b.length >= 18 && ascii(0, 2) === "BM" && [12, 40, 52, 56, 64, 108, 124].includes(b[14] | (b[15] << 8))) {
    return "bmp";
  }
  if (b.length >= 12 && ascii(4, 4) === "ftyp") {
    const brand = ascii(8, 4);
    if (["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"].includes(brand)) {
      return "heic";
    }
    if (brand === "avif" || brand === "avis") return "avif";
  }
  return null;
}

// Orientation tag (0x0112) from a TIFF structure (the body of an EXIF block); 1 when absent.
function orientationFromTiff(t) {
  if (t.length < 8) return 1;
  const view = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return 1;
  const le = order === 0x4949;
  const ifd = view.getUint32(4, le);
  if (ifd + 2 > t.length) return 1;
  const count = view.getUint16(ifd, le);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > t.length) break;
    if (view.getUint16(e, le) === 0x0112) {
      const type = view.getUint16(e + 2, le);
      const value = type === 3 ? view.getUint16(e + 8, le) : type === 4 ? view.getUint32(e + 8, le) : 1;
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

function jpegOrientation(b) {
  let p = 2;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return 1;
    const marker = b[p + 1];
    if (marker === 0xff) {
      p++;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return 1; // image data starts: no EXIF before it
    const len = (b[p + 2] << 8) | b[p + 3];
    if (marker === 0xe1 && len >= 8) {
      const seg = b.subarray(p + 4, Math.min(b.length, p + 2 + len));
      if (String.fromCharCode(...seg.subarray(0, 6)) === "Exif\0\0") {
        return orientationFromTiff(seg.subarray(6));
      }
    }
    p += 2 + len;
  }
  return 1;
}

async function readBytes(file, start, end) {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

async function pngOrientation(file) {
  let p = 8;
  while (p + 8 <= file.size) {
    const h = await readBytes(file, p, p + 8);
    const len = new DataView(h.buffer).getUint32(0);
    const type = String.fromCharCode(...h.subarray(4, 8));
    if (type === "eXIf") return orientationFromTiff(await readBytes(file, p + 8, p + 8 + len));
    if (type === "IDAT" || type === "IEND") return 1; // browsers honour eXIf only before IDAT
    p += 12 + len;
  }
  return 1;
}

async function webpOrientation(file) {
  let p = 12;
  while (p + 8 <= file.size) {
    const h = await readBytes(file, p, p + 8);
    const type = String.fromCharCode(...h.subarray(0, 4));
    const len = new DataView(h.buffer).getUint32(4, true);
    if (type === "EXIF") {
      let body = await readBytes(file, p + 8, p + 8 + len);
      // Some writers keep the JPEG-style "Exif\0\0" prefix inside the chunk.
      if (String.fromCharCode(...body.subarray(0, 6)) === "Exif\0\0") body = body.subarray(6);
      return orientationFromTiff(body);
    }
    p += 8 + len + (len & 1);
  }
  return 1;
}

/** EXIF orientation (1..8) the browser applies when it decodes this file. */
export async function exifOrientation(file, format) {
  if (format === "jpeg") return jpegOrientation(await readBytes(file, 0, 256 * 1024));
  if (format === "png") return pngOrientation(file);
  if (format === "webp") return webpOrientation(file);
  return 1;
}
