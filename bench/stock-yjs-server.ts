// The stock Node Yjs server (@y/websocket-server, the y-websocket project's own) on a port, for
// bench:sync to compare the room with. Run in its own process, as wrangler dev is.
import { createServer } from 'node:http';
import { setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';

const server = createServer((_req, res) => { res.writeHead(200); res.end('ok'); });
const wss = new WebSocketServer({ server });
wss.on('connection', (conn, req) => setupWSConnection(conn, req, { docName: (req.url ?? '/').slice(1).split('?')[0] }));
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  console.log(`listening ${typeof addr === 'object' && addr ? addr.port : ''}`);
});
