import * as Y from 'yjs';

interface Room { stateAsUpdate(): Promise<Uint8Array>; applyServerUpdate(docId: string, update: Uint8Array): Promise<void> }

// A server-authoritative change made from the Worker (an approval step, a shipment, a route):
// the room's current state as a Y.Doc to read and change, and `commit` to send only what
// changed back through the room as a server update, so every replica sees it.
export async function serverCopy(room: Room, docId: string): Promise<{ doc: Y.Doc; commit: () => Promise<void> }> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await room.stateAsUpdate());
  const sv = Y.encodeStateVector(doc);
  return { doc, commit: () => room.applyServerUpdate(docId, Y.encodeStateAsUpdate(doc, sv)) };
}
