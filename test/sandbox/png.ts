// A small real PNG (a receipt: a header band and lines of text), so the screenshots show a picture and the
// test can tell the bytes arrived whole by the size the browser decodes.
import { crc32, deflateSync } from 'node:zlib'

export function receiptPng(width = 120, height = 90): { data: Buffer; width: number; height: number } {
  const rows: Buffer[] = []
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3) // filter byte 0, then RGB
    for (let x = 0; x < width; x++) {
      const header = y < 16
      const line = !header && y % 10 === 4 && x > 10 && x < width - 10 - ((y * 7) % 30)
      const [r, g, b] = header ? [3, 54, 61] : line ? [150, 150, 150] : [255, 253, 240]
      row.writeUInt8(r, 1 + x * 3)
      row.writeUInt8(g, 2 + x * 3)
      row.writeUInt8(b, 3 + x * 3)
    }
    rows.push(row)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8 bits per channel, truecolour, no interlace
  const data = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
  return { data, width, height }
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0)
  return Buffer.concat([head, body, crc])
}
