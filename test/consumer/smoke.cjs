// CommonJS consumer: require the installed package as a user would.
'use strict';
const geom = require('@spatial/geom');
const reference = require('@spatial/geom/reference');
const { run } = require('./check.cjs');

run(geom, reference).then(
  (line) => console.log(`cjs: ${line}`),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
