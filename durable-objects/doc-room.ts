import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../worker/env.ts';

// One room per Yjs document. The sync protocol arrives with the documents issue; until then
// the class exists so the binding and its SQLite storage migration are in place.
export class DocRoom extends DurableObject<Env> {
  override async fetch(): Promise<Response> {
    return new Response(JSON.stringify({ error: { code: 'not_implemented', message: 'Document sync is not available yet.' } }), {
      status: 501,
      headers: { 'content-type': 'application/json' },
    });
  }
}
