import os from 'node:os';
import type { FileSystemInfo } from './bench-dir.js';

export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly nodeVersion: string;
  readonly platform: string;
  readonly kernel: string;
  readonly benchDir: string;
  readonly fileSystem: FileSystemInfo;
  readonly date: string;
}

export function machineInfo(benchDir: string, fileSystem: FileSystemInfo): MachineInfo {
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    nodeVersion: process.version,
    platform: process.platform,
    kernel: os.release(),
    benchDir,
    fileSystem,
    date: new Date().toISOString(),
  };
}
