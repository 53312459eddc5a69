// The two backends every op family is tested on, for `describe.each(backends)`: the native package
// root and its pure-TS twins (`@spatial/geom/reference`), as [name, module] pairs. One list, so a
// family's tests cannot forget a backend or name them differently.
import * as native from '../../lib/index.js';
import * as reference from '../../lib/reference/index.js';

export const backends = [
  ['native', native],
  ['reference', reference],
] as const;
