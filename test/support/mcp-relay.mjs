// The test suite's `pods mcp-relay`: the same byte relay (src/adapters/mcp/mcp-relay.ts), runnable
// without a build, for hosts that run inside the test process.
import { connect } from 'node:net';

const socket = connect(process.argv[2]);
socket.on('error', (error) => {
  process.stderr.write(`relay: ${error.code ?? error.message}\n`);
  process.exit(1);
});
socket.on('close', () => process.exit(0));
process.stdin.on('end', () => socket.end());
process.stdin.pipe(socket);
socket.pipe(process.stdout);
