// Minimal .npy (format 1.0) writer for handing the bench's exact bytes to numpy.
import { writeFileSync } from 'node:fs';

const DTYPES = new Map([[Float32Array, '<f4'], [Float64Array, '<f8'], [Uint32Array, '<u4'], [Uint8Array, '|u1']]);

export function writeNpy(path, array, shape) {
  const descr = DTYPES.get(array.constructor);
  if (!descr) throw new TypeError(`no npy dtype for ${array.constructor.name}`);
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93]).copy(head, 0);
  head.write('NUMPY', 1, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(array.buffer, array.byteOffset, array.byteLength)]));
}
