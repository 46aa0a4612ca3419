// EXIF orientation as a lossless re-arrangement of a float32 plane (luma), both ways.

/**
 * Apply EXIF orientation `o` to a plane of stored pixels (as Pillow's ImageOps.exif_transpose
 * does), or with `inverse` turn a displayed plane back into the stored one.
 * @returns {[Float32Array, number, number]} plane, width, height
 */
export function orient(plane, width, height, o, inverse = false) {
  if (o < 2 || o > 8) return [plane, width, height];
  const swap = o >= 5;
  // sw x sh: stored size; dw x dh: displayed size.
  const sw = inverse && swap ? height : width;
  const sh = inverse && swap ? width : height;
  const dw = swap ? sh : sw;
  const out = new Float32Array(width * height);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      // (dx, dy): where stored pixel (x, y) is displayed, per the EXIF/TIFF definition.
      let dx, dy;
      switch (o) {
        case 2: dx = sw - 1 - x; dy = y; break;
        case 3: dx = sw - 1 - x; dy = sh - 1 - y; break;
        case 4: dx = x; dy = sh - 1 - y; break;
        case 5: dx = y; dy = x; break;
        case 6: dx = sh - 1 - y; dy = x; break;
        case 7: dx = sh - 1 - y; dy = sw - 1 - x; break;
        default: dx = y; dy = sw - 1 - x; break; // 8
      }
      if (inverse) out[y * sw + x] = plane[dy * dw + dx];
      else out[dy * dw + dx] = plane[y * sw + x];
    }
  }
  return inverse ? [out, sw, sh] : [out, dw, swap ? sw : sh];
}
