export { SCHEMA_VERSION, GENESIS_HASH, type JournalEntry, type RunEntry } from './envelope.js';
export { assertRunId, isValidRunId, resolveLogsDir, runPaths, JOURNAL_FILE, type RunPaths } from './paths.js';
export { encodeLine, checkLine, sha256Hex, HASH_SUFFIX_START } from './line.js';
export { nodeFileOps, type FileOps } from '../durable/file-ops.js';
export { RunLock, isRunLocked, DEFAULT_STALE_MS, type RunLockOptions } from './run-lock.js';
export { JournalWriter, type JournalPosition, type JournalWriterOptions, type OnDurable } from './writer.js';
export { scanJournal, type ScanOptions, type ScanResult, type TailState, type Damage, type EventCheck } from './reader.js';
