// Oriented 3D box IoU, native vs pure-TS reference: 300 x 300 random boxes (each paired with a
// copy shifted by 0.1 so that ~57 % of the pairs overlap). Run after `npm run build`:
//   node bench/box-iou.mjs
import * as native from '../dist/index.js';
import * as reference from '../dist/reference/index.js';
import { createRng } from '../dist/random.js';

const rng = createRng(3);
const a = [], b = [];
for (let i = 0; i < 300; i++) {
  const box = Array.from({ length: 9 }, (_, k) => (k < 3 ? rng.uniform(-1, 1) : k < 6 ? rng.uniform(0.1, 2) : rng.uniform(-3, 3)));
  a.push(box);
  b.push(box.map((v) => v + 0.1));
}
const pairs = a.length * b.length;
for (const threads of [1, 2]) {
  native.configure({ threads });
  for (const [name, backend] of [['native', native], ['reference', reference]]) {
    if (name === 'reference' && threads > 1) continue;
    backend.boxIou3dMatrix(a, b);
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      backend.boxIou3dMatrix(a, b);
      best = Math.min(best, performance.now() - t);
    }
    console.log(`${name.padEnd(9)} threads ${threads}: ${((best * 1000) / pairs).toFixed(2)} us/pair (best of 5, ${a.length}x${b.length})`);
  }
}
