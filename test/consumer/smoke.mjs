// ESM consumer: import the installed package as a user would.
import * as geom from '@spatial/geom';
import * as reference from '@spatial/geom/reference';
import check from './check.cjs';

console.log(`esm: ${await check.run(geom, reference)}`);
