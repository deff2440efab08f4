import { SCHEMA_VERSION, type JournalEntry } from './envelope.js';
import { HASH_SUFFIX_START, sha256Hex, type EncodedLine } from './line.js';

/**
 * encodeLine for one run's writer, byte for byte (test/journal.line-format.test.ts): the
 * envelope's fixed parts are built once, so only `data` needs JSON.stringify per line. The
 * writer's own fields need no escaping: `seq` is a safe integer, `ts` comes from toISOString,
 * `prev` is 64 hex digits; `runId` and each `type` are stringified once. Those fields are ASCII,
 * so the line's UTF-8 length is its length plus what `data` and `type` add beyond theirs.
 */
export class LineEncoder {
  private readonly head = `{"v":${JSON.stringify(SCHEMA_VERSION)},"seq":`;
  private readonly runIdPart: string;
  private readonly runIdExtraBytes: number;
  private readonly types = new Map<string, { readonly json: string; readonly extraBytes: number }>();

  constructor(private readonly runId: string) {
    const runIdJson = JSON.stringify(runId);
    this.runIdPart = `,"runId":${runIdJson},"type":`;
    this.runIdExtraBytes = Buffer.byteLength(runIdJson) - runIdJson.length;
  }

  encode(seq: number, ts: string, type: JournalEntry['type'], data: JournalEntry['data'], prev: string): EncodedLine {
    const typePart = this.typePart(type);
    const dataJson = JSON.stringify(data);
    const body = `${this.head}${seq},"ts":"${ts}"${this.runIdPart}${typePart.json},"data":${dataJson},"prev":"${prev}"`;
    const hash = sha256Hex(body);
    const text = `${body}${HASH_SUFFIX_START}${hash}"}\n`;
    const byteLength = text.length + this.runIdExtraBytes + typePart.extraBytes + Buffer.byteLength(dataJson) - dataJson.length;
    return { entry: { v: SCHEMA_VERSION, seq, ts, runId: this.runId, type, data, prev, hash }, text, byteLength };
  }

  private typePart(type: string): { readonly json: string; readonly extraBytes: number } {
    let part = this.types.get(type);
    if (part === undefined) {
      const json = JSON.stringify(type);
      part = { json, extraBytes: Buffer.byteLength(json) - json.length };
      this.types.set(type, part);
    }
    return part;
  }
}
