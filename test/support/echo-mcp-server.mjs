// A stdio MCP server for the real-agent tests, run by the agents themselves: one tool, `Echo`,
// that answers with its `text`. Plain JavaScript because an agent starts it with `node`, and Node 20
// runs no TypeScript. Every start and call is appended, one JSON line each, to the file named by
// its first argument, so a test can check the call arrived and that the process is gone afterwards.
import { appendFileSync } from 'node:fs';
import { Server } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';

const log = process.argv[2];
const record = (entry) => {
  if (log) appendFileSync(log, `${JSON.stringify(entry)}\n`);
};
record({ started: process.pid });
const server = new Server({ name: 'echo', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler('tools/list', async () => ({
  tools: [{
    name: 'Echo',
    description: 'Answers with the text it was given.',
    inputSchema: { type: 'object', properties: { text: { type: 'string', description: 'What to echo' } }, required: ['text'] },
  }],
}));
server.setRequestHandler('tools/call', async (request) => {
  record({ call: request.params.name, arguments: request.params.arguments ?? {} });
  const text = String(request.params.arguments?.text ?? '');
  return { content: [{ type: 'text', text: `echo: ${text}` }] };
});
// The agent going away closes stdin: exit then, so no server outlives its agent.
process.stdin.on('end', () => process.exit(0));
await server.connect(new StdioServerTransport());
