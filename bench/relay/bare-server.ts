/**
 * The ceiling of the relay benchmark: a bare forwarder with the relay's traffic shape and none
 * of its work. `POST /v1/messages` `{ to, ciphertext }` forwards a frame to the socket of device
 * `to` (connected at `GET /v1/ws?device=<to>`) and answers 200; acks from devices are read and
 * dropped. No storage, no authentication, no validation beyond JSON.parse.
 *
 * Prints `bare listening on <url>`.
 */
import { createServer } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

const sockets = new Map<string, WebSocket>();
let nextId = 1;

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/messages') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { to: string; ciphertext: string };
    const message = { id: String(nextId++), ciphertext: body.ciphertext };
    sockets.get(body.to)?.send(JSON.stringify({ type: 'message', message }));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":1}');
  });
});
const wss = new WebSocketServer({ server, path: '/v1/ws' });
wss.on('connection', (socket, req) => {
  const device = new URL(req.url ?? '', 'http://x').searchParams.get('device') ?? '';
  sockets.set(device, socket);
  socket.on('message', () => {});
  socket.on('close', () => sockets.delete(device));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`bare listening on http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
