import { describe, expect, it } from 'vitest';
import { codeMetricsOf } from '../src/git/code-metrics.js';
import { fileChanges, parseNameStatus, parseNumStat } from '../src/git/diff-output.js';

/** The parsers of `git diff --name-status -z` and `--numstat -z`, on output written out by hand. */
describe('git diff -z output', () => {
  it('pairs both listings: copies are created files, type changes modified ones, binary files count no lines', () => {
    const nameStatus = 'C075\0src/a.ts\0src/b.ts\0T\0link\0M\0logo.png\0D\0tab\there.txt\0';
    const numStat = '3\t1\t\0src/a.ts\0src/b.ts\0' + '1\t1\tlink\0' + '-\t-\tlogo.png\0' + '0\t4\ttab\there.txt\0';
    const files = fileChanges(nameStatus, numStat);
    expect(files).toEqual([
      { status: 'copied', path: 'src/b.ts', previousPath: 'src/a.ts', binary: false, linesAdded: 3, linesRemoved: 1 },
      { status: 'type-changed', path: 'link', previousPath: null, binary: false, linesAdded: 1, linesRemoved: 1 },
      { status: 'modified', path: 'logo.png', previousPath: null, binary: true, linesAdded: 0, linesRemoved: 0 },
      { status: 'deleted', path: 'tab\there.txt', previousPath: null, binary: false, linesAdded: 0, linesRemoved: 4 },
    ]);
    expect(codeMetricsOf(files)).toEqual({ filesCreated: 1, filesModified: 2, filesDeleted: 1, linesAdded: 4, linesRemoved: 6 });
  });

  it('an empty diff is no files', () => {
    expect(fileChanges('', '')).toEqual([]);
  });

  it('refuses output it cannot read with GIT_FAILED rather than guessing', () => {
    expect(() => parseNameStatus('X\0a\0')).toThrow(expect.objectContaining({ code: 'GIT_FAILED' }));
    expect(() => parseNameStatus('R100\0only-one\0')).toThrow(/without its path/);
    expect(() => parseNumStat('1 2 a\0')).toThrow(expect.objectContaining({ code: 'GIT_FAILED' }));
    expect(() => fileChanges('M\0a\0', '1\t1\tb\0')).toThrow(/file 1 is "a" and "b"/);
    expect(() => fileChanges('M\0a\0M\0b\0', '1\t1\ta\0')).toThrow(/2 files by status, 1 by line counts/);
  });
});
