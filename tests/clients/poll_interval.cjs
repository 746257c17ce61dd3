// Loaded with `node --require` before the pinned clients (tests/clients/conftest.py: run_json).
//
// The Salesforce CLI waits a fixed 5 s between two checks of a Bulk job, and no flag sets it:
// plugin-data 5.1.7 passes 5000 to jsforce (batcher.js POLL_FREQUENCY_MS for Bulk API 1.0 batches,
// bulkIngest.js `job.poll(5000, ...)` and export/bulk.js `pollInterval: 5000` for Bulk API 2.0 jobs).
// Those sleeps are the timers that jsforce's Bulk modules (lib/api/bulk.js, lib/api/bulk2.js) arm
// between two checks; this shortens them alone, so the CLI runs its own code and requests against the
// fake as before, checking the job more often, and every other timer keeps its delay. The CLI's
// `--wait` timeout still counts real time (Date.now()).
'use strict';

const { promisify } = require('node:util');

const CLI_POLL_MS = 5000;
const SHORT_POLL_MS = 100;
const BULK_MODULE = /jsforce[\w-]*[\\/]lib[\\/]api[\\/]bulk2?\.js/;
const armed = globalThis.setTimeout;

function setTimeout(callback, delay, ...args) {
  if (delay === CLI_POLL_MS && BULK_MODULE.test(new Error().stack)) {
    return armed.call(this, callback, SHORT_POLL_MS, ...args);
  }
  return armed.call(this, callback, delay, ...args);
}
// util.promisify(setTimeout) must still give Node's own promise form.
Object.defineProperty(setTimeout, promisify.custom, { value: armed[promisify.custom] });
globalThis.setTimeout = setTimeout;
