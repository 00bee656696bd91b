import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { callTool, toolDefinitions, type ToolContext } from './tools.js';

/**
 * The golden path as Model Context Protocol tools: an MCP server that answers one client over
 * the given streams (stdio for `golden-path mcp`).
 *
 * @example
 * await serveMcp({ root: process.cwd(), toolRoot }, process.stdin, process.stdout);
 */
export async function serveMcp(context: ToolContext, input: Readable, output: Writable): Promise<Server> {
  const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  const server = new Server({ name: 'golden-path', version: manifest.version ?? '0.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async function listTools() {
    return { tools: await toolDefinitions(context) };
  });
  server.setRequestHandler(CallToolRequestSchema, async function callOne(request) {
    const { text, isError } = await callTool(context, request.params.name, request.params.arguments);
    return { content: [{ type: 'text' as const, text }], isError };
  });
  await server.connect(new StdioServerTransport(input, output));
  return server;
}
