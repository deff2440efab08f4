import type { Entry, ZipFile } from 'yauzl';
import { ImportInputError } from '../errors.js';

/** Largest zip member read whole (one Inspect sample, its header): beyond it the member is refused, not loaded. */
export const MAX_MEMBER_BYTES = 512 * 1024 * 1024;

/**
 * A zip archive (an Inspect `.eval` log) read member by member: its central directory is listed
 * once (names and sizes only), and a member's bytes are read when asked for, one at a time, so a
 * log of any size costs one member in memory. yauzl is loaded only when a zip is opened.
 */
export class ZipArchive {
  private constructor(
    readonly file: string,
    private readonly zip: ZipFile,
    private readonly entries: ReadonlyMap<string, Entry>,
  ) {}

  static async open(file: string): Promise<ZipArchive> {
    const yauzl = (await import('yauzl')).default;
    let zip: ZipFile;
    try {
      zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
    } catch (error) {
      throw new ImportInputError(file, null, `not a readable zip archive (${(error as Error).message}); a truncated file ends like this`, {
        cause: error,
      });
    }
    const entries = new Map<string, Entry>();
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('entry', (entry: Entry) => {
          // A member written twice (Inspect rewrites header.json in place) is read as its last copy.
          entries.set(entry.fileName, entry);
          zip.readEntry();
        });
        zip.once('end', resolve);
        zip.once('error', reject);
        zip.readEntry();
      });
    } catch (error) {
      zip.close();
      throw new ImportInputError(file, null, `its zip directory cannot be read (${(error as Error).message})`, { cause: error });
    }
    return new ZipArchive(file, zip, entries);
  }

  /** The member names, in the archive's order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** A member parsed as JSON; null when the archive has no such member. Refused with the member named when it is not JSON. */
  async json(name: string): Promise<unknown> {
    const text = await this.text(name);
    if (text === null) return null;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ImportInputError(`${this.file}:${name}`, null, `not valid JSON (${(error as Error).message})`, { cause: error });
    }
  }

  async text(name: string): Promise<string | null> {
    const entry = this.entries.get(name);
    if (entry === undefined) return null;
    if (entry.uncompressedSize > MAX_MEMBER_BYTES)
      throw new ImportInputError(
        `${this.file}:${name}`,
        null,
        `is ${entry.uncompressedSize} bytes, more than the ${MAX_MEMBER_BYTES} one member may have here`,
      );
    try {
      const stream = await this.zip.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    } catch (error) {
      throw new ImportInputError(`${this.file}:${name}`, null, `cannot be read from the archive (${(error as Error).message})`, {
        cause: error,
      });
    }
  }

  close(): void {
    this.zip.close();
  }
}
