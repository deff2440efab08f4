import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import { StreamConfigError } from '../errors.js';
import { streamSubjects } from './subject.js';

export interface StreamSetup {
  readonly stream: string;
  readonly replicas: number;
}

/**
 * Creates the stream if it is missing: file storage, `replicas` copies, no age, count or size
 * limit (nothing is ever dropped for room), and `discard: new`, so that if an account or server
 * limit is ever reached a publish is refused (the shipper retries) rather than old events
 * silently deleted. An existing stream is used as it is if it cannot lose events; one that can
 * (limits with `discard: old`, memory storage) or does not take our subjects is refused.
 */
export async function ensureStream(jsm: JetStreamManager, setup: StreamSetup): Promise<{ created: boolean; info: StreamInfo }> {
  const subjects = streamSubjects(setup.stream);
  try {
    const info = await jsm.streams.info(setup.stream);
    checkExisting(setup.stream, info, subjects);
    return { created: false, info };
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
  }
  try {
    const info = await jsm.streams.add({
      name: setup.stream,
      subjects: [subjects],
      storage: StorageType.File,
      num_replicas: setup.replicas,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.New,
      max_msgs: -1,
      max_bytes: -1,
      max_age: 0,
      max_msgs_per_subject: -1,
    });
    return { created: true, info };
  } catch (error) {
    // Another shipper created it at the same moment: use theirs if it is sound.
    if (error instanceof JetStreamApiError && /already in use|exists/i.test(error.message)) {
      const info = await jsm.streams.info(setup.stream);
      checkExisting(setup.stream, info, subjects);
      return { created: false, info };
    }
    throw error;
  }
}

function checkExisting(stream: string, info: StreamInfo, subjects: string): void {
  const c = info.config;
  if (!(c.subjects ?? []).includes(subjects)) {
    throw new StreamConfigError(
      stream,
      `it exists but does not take the subjects ${subjects} (it takes ${JSON.stringify(c.subjects ?? [])}); ship to another --stream or add the subjects`,
    );
  }
  const limited = (c.max_msgs ?? -1) > 0 || (c.max_bytes ?? -1) > 0 || (c.max_age ?? 0) > 0 || (c.max_msgs_per_subject ?? -1) > 0;
  if (limited && c.discard !== 'new') {
    throw new StreamConfigError(
      stream,
      'it has limits with discard "old", so old events would be deleted silently; set discard to "new" or remove the limits',
    );
  }
  if (c.retention !== 'limits') {
    throw new StreamConfigError(
      stream,
      `its retention is "${c.retention}": messages would be removed once consumed; use retention "limits"`,
    );
  }
  if (c.storage !== 'file') throw new StreamConfigError(stream, 'it keeps messages in memory; use file storage');
}
