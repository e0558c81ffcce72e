import * as encoding from 'lib0/encoding';

// Message types of the standard Yjs WebSocket protocol (y-protocols), so a stock provider
// talks to the room unchanged, and the close codes the room uses.
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;

export const SYNC_STEP_1 = 0;
export const SYNC_STEP_2 = 1;
export const SYNC_UPDATE = 2;

// | code | meaning                                             |
// |------|-----------------------------------------------------|
// | 4400 | malformed or undecodable message                    |
// | 4403 | a write on a read-only connection, or a write to the header or the  |
// |      | document's structure (only the server writes those)               |
// | 4413 | message, or the document it would make, too large   |
export const CLOSE_MALFORMED = 4400;
export const CLOSE_READ_ONLY = 4403;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_TOO_LARGE = 4413;

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DOC_BYTES = 16 * 1024 * 1024;

export function syncMessage(step: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  encoding.writeVarUint(e, step);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}
