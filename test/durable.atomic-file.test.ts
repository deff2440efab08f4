import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DurableBatch, removeFileDurably, writeFileAtomic, writeFileAtomicAsync } from '../src/durable/atomic-file.js';
import { nodeFileOps, type FileOps } from '../src/durable/file-ops.js';
import { tempDir } from './helpers/temp-dir.js';

/** nodeFileOps that logs fsyncs (of files and of folders, told apart by fstat) and renames. */
function loggingOps(): { ops: FileOps; calls: string[] } {
  const calls: string[] = [];
  const kind = (fd: number): string => (nodeFileOps.fstatSync(fd).isDirectory() ? 'folder' : 'file');
  const ops: FileOps = {
    ...nodeFileOps,
    fsyncSync: (fd) => {
      calls.push(`fsync ${kind(fd)}`);
      nodeFileOps.fsyncSync(fd);
    },
    fsync: (fd, cb) => {
      calls.push(`fsync ${kind(fd)}`);
      nodeFileOps.fsync(fd, cb);
    },
    renameSync: (from, to) => {
      calls.push(`rename ${path.basename(to)}`);
      nodeFileOps.renameSync(from, to);
    },
    unlinkSync: (p) => {
      calls.push(`unlink ${path.basename(p).startsWith('.') ? 'temp' : path.basename(p)}`);
      nodeFileOps.unlinkSync(p);
    },
  };
  return { ops, calls };
}

/** nodeFileOps whose file fsyncs (sync and async) fail with EIO. */
function failingFsync(): FileOps {
  const eio = (): NodeJS.ErrnoException => Object.assign(new Error('EIO: injected'), { code: 'EIO' });
  return {
    ...nodeFileOps,
    fsyncSync: () => {
      throw eio();
    },
    fsync: (_fd, cb) => process.nextTick(() => cb(eio())),
  };
}

const listing = (dir: string): string[] => fs.readdirSync(dir).sort();

describe('durable file operations go through the FileOps seam', () => {
  it('writeFileAtomic: fsync of the file, rename into place, fsync of the folder, in that order', () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.json');
    const { ops, calls } = loggingOps();
    writeFileAtomic(file, '{"a":1}\n', ops);
    expect(calls).toEqual(['fsync file', 'rename a.json', 'fsync folder']);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(listing(dir)).toEqual(['a.json']);
  });

  it('writeFileAtomicAsync does the same steps, and a failed fsync leaves the old content and no temporary file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'progress.json');
    const { ops, calls } = loggingOps();
    await writeFileAtomicAsync(file, 'old\n', ops);
    expect(calls).toEqual(['fsync file', 'rename progress.json', 'fsync folder']);
    await expect(writeFileAtomicAsync(file, 'new\n', failingFsync())).rejects.toThrow('EIO');
    expect(fs.readFileSync(file, 'utf8')).toBe('old\n');
    expect(listing(dir)).toEqual(['progress.json']);
  });

  it('writeFileAtomic with a failing fsync throws, keeps the old file and removes its temporary file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'b.txt');
    writeFileAtomic(file, 'old');
    expect(() => writeFileAtomic(file, 'new', failingFsync())).toThrow('EIO');
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(listing(dir)).toEqual(['b.txt']);
  });

  it('removeFileDurably unlinks and fsyncs the folder, and does nothing for a missing file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'gone.txt');
    fs.writeFileSync(file, 'x');
    const { ops, calls } = loggingOps();
    removeFileDurably(file, ops);
    removeFileDurably(file, ops);
    expect(calls).toEqual(['unlink gone.txt', 'fsync folder', 'unlink gone.txt']);
    expect(listing(dir)).toEqual([]);
  });

  it('DurableBatch: a failed flush leaves every file old and no temporary file behind', async () => {
    const dir = tempDir();
    const files = ['x.csv', 'y.csv'].map((name) => path.join(dir, name));
    for (const file of files) fs.writeFileSync(file, 'old');
    const batch = new DurableBatch(256, failingFsync());
    for (const file of files) batch.write(file, 'new');
    await expect(batch.flush()).rejects.toThrow('EIO');
    expect(files.map((file) => fs.readFileSync(file, 'utf8'))).toEqual(['old', 'old']);
    expect(listing(dir)).toEqual(['x.csv', 'y.csv']);

    const { ops, calls } = loggingOps();
    const good = new DurableBatch(256, ops);
    for (const file of files) good.write(file, 'new');
    await good.flush();
    expect(files.map((file) => fs.readFileSync(file, 'utf8'))).toEqual(['new', 'new']);
    // Both files fsync'd, both renamed, their one folder fsync'd once.
    expect(calls).toEqual(['fsync file', 'fsync file', 'rename x.csv', 'rename y.csv', 'fsync folder']);
  });
});

describe('no temporary file is left when the rename fails (issue 21: a folder where the file should be)', () => {
  const temps = (dir: string): string[] => (fs.readdirSync(dir, { recursive: true }) as string[]).filter((name) => name.endsWith('.tmp'));

  it('writeFileAtomic and writeFileAtomicAsync onto a folder (report --out <folder>) throw and leave no temporary file', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'out'));
    expect(() => writeFileAtomic(path.join(dir, 'out'), 'report')).toThrow(/EISDIR|EEXIST|ENOTEMPTY/);
    await expect(writeFileAtomicAsync(path.join(dir, 'out'), 'report')).rejects.toThrow(/EISDIR|EEXIST|ENOTEMPTY/);
    expect(temps(dir)).toEqual([]);
  });

  it('DurableBatch: a folder at one staged file fails the flush, and every retry, without leaving temporary files', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'run', 'metadata.json'), { recursive: true });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const batch = new DurableBatch();
      batch.write(path.join(dir, 'run', 'a.json'), 'a');
      batch.write(path.join(dir, 'run', 'metadata.json'), 'm');
      batch.write(path.join(dir, 'run', 'z.json'), 'z');
      await expect(batch.flush()).rejects.toThrow(/EISDIR|EEXIST|ENOTEMPTY/);
      expect(temps(dir)).toEqual([]);
    }
    expect(fs.readFileSync(path.join(dir, 'run', 'a.json'), 'utf8')).toBe('a');
    expect(fs.existsSync(path.join(dir, 'run', 'z.json'))).toBe(false);
  });
});

describe('DurableBatch holds at most maxPending files open', () => {
  it('asks to be flushed (isFull) at half of maxPending, so that a caller checking between groups of files flushes in the background before a group reaches the limit', async () => {
    const dir = tempDir();
    const { ops, calls } = loggingOps();
    const batch = new DurableBatch(8, ops);
    const write = (i: number): void => batch.write(path.join(dir, `${i}.json`), `${i}\n`);
    for (let i = 0; i < 3; i += 1) write(i);
    expect(batch.isFull).toBe(false);
    write(3);
    expect(batch.isFull).toBe(true);
    await batch.flush();
    expect(batch.isFull).toBe(false);
    // A group of 6 more files stays under the limit of 8: none of them is fsync'd early, one by one, by write.
    calls.length = 0;
    for (let i = 4; i < 10; i += 1) write(i);
    expect(calls.filter((call) => call === 'fsync file')).toEqual([]);
    await batch.flush();
    expect(listing(dir)).toHaveLength(10);
  });

  it('staging 40 files with maxPending 4 never has more than 4 open, and the flush puts every one in place', async () => {
    const dir = tempDir();
    let open = 0;
    let mostOpen = 0;
    const fileFds = new Set<number>();
    const ops: FileOps = {
      ...nodeFileOps,
      openSync: (p, flags, mode) => {
        const fd = nodeFileOps.openSync(p, flags, mode);
        if (flags === 'wx') {
          fileFds.add(fd);
          open += 1;
          mostOpen = Math.max(mostOpen, open);
        }
        return fd;
      },
      closeSync: (fd) => {
        if (fileFds.delete(fd)) open -= 1;
        nodeFileOps.closeSync(fd);
      },
    };
    const batch = new DurableBatch(4, ops);
    for (let i = 0; i < 40; i += 1) batch.write(path.join(dir, 'issues', `${i}.json`), `{"i":${i}}\n`);
    expect(mostOpen).toBe(4);
    await batch.flush();
    expect(open).toBe(0);
    const files = listing(path.join(dir, 'issues'));
    expect(files).toHaveLength(40);
    for (let i = 0; i < 40; i += 1) expect(fs.readFileSync(path.join(dir, 'issues', `${i}.json`), 'utf8')).toBe(`{"i":${i}}\n`);
  });

  it('a failed early fsync drops everything staged: old content stays, no temporary file is left', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '0.json'), 'old\n');
    const batch = new DurableBatch(2, failingFsync());
    batch.write(path.join(dir, '0.json'), 'new\n');
    expect(() => batch.write(path.join(dir, '1.json'), 'new\n')).toThrow(/EIO/);
    expect(listing(dir)).toEqual(['0.json']);
    expect(fs.readFileSync(path.join(dir, '0.json'), 'utf8')).toBe('old\n');
  });
});
