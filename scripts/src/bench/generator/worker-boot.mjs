// Worker threads do not inherit tsx's loader (execArgv `--import tsx` is ignored for workers on Node 20), so
// this plain-JS entry registers it and then loads the TypeScript worker named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
