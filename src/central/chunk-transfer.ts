import type { MirrorMessage } from './verify-and-write.js';

/** A chunk of stream messages in a few flat arrays, to cross to the mirror worker without a copy per message. */
export interface MirrorPacket {
  readonly bytes: Uint8Array;
  /** Where each message's data ends in `bytes`. */
  readonly ends: Uint32Array;
  readonly seqs: Float64Array;
  readonly subjects: string[];
}

/** Always a fresh buffer of its own: it is transferred, and a pooled Buffer's memory is not ours to give away. */
export function packChunk(chunk: readonly MirrorMessage[]): MirrorPacket {
  let total = 0;
  for (const m of chunk) total += m.data.length;
  const bytes = new Uint8Array(total);
  const ends = new Uint32Array(chunk.length);
  const seqs = new Float64Array(chunk.length);
  const subjects: string[] = new Array<string>(chunk.length);
  let at = 0;
  for (const [i, m] of chunk.entries()) {
    bytes.set(m.data, at);
    at += m.data.length;
    ends[i] = at;
    seqs[i] = m.seq;
    subjects[i] = m.subject;
  }
  return { bytes, ends, seqs, subjects };
}

export function packetTransfers(packet: MirrorPacket): ArrayBuffer[] {
  return [packet.bytes.buffer as ArrayBuffer, packet.ends.buffer as ArrayBuffer, packet.seqs.buffer as ArrayBuffer];
}

export function unpackChunk(packet: MirrorPacket): MirrorMessage[] {
  const messages: MirrorMessage[] = new Array<MirrorMessage>(packet.ends.length);
  for (let i = 0, start = 0; i < packet.ends.length; i++) {
    const end = packet.ends[i]!;
    messages[i] = { subject: packet.subjects[i]!, seq: packet.seqs[i]!, data: packet.bytes.subarray(start, end) };
    start = end;
  }
  return messages;
}
