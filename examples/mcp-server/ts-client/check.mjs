// The official MCP TypeScript SDK client against examples/mcp-server and
// Hallpass, as a desktop MCP client runs it: 401 -> protected-resource
// metadata -> authorization-server metadata -> registration (DCR, or a client
// ID metadata document when CLIENT_METADATA_URL is set) -> authorize with
// PKCE and `resource` -> the user's browser -> the code on the loopback
// redirect URI -> token -> tool call -> refresh -> tool call.
//
// The user's browser is not played here: redirectToAuthorization prints the
// authorization URL as a JSON line ({"authorization_url": ...}) for whoever
// plays the user (the Rust test drives headless Chromium with it), and a
// loopback HTTP server on REDIRECT_URL's port takes the browser's callback.
//
// env: MCP_URL, REDIRECT_URL (http://127.0.0.1:PORT/callback),
// CLIENT_METADATA_URL (optional). The last stdout line is the result as JSON.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, auth } from '@modelcontextprotocol/sdk/client/auth.js';

const { MCP_URL, REDIRECT_URL, CLIENT_METADATA_URL } = process.env;
const steps = [];
// The SDK accepts only an https `clientMetadataUrl`; a loopback document is
// http, so the URL is handed over as the known client_id instead: Hallpass
// fetches the document exactly as it would for the SDK's own CIMD path.
const state = CLIENT_METADATA_URL ? { client: { client_id: CLIENT_METADATA_URL } } : {};
const expectedState = randomBytes(16).toString('base64url');

const tracedFetch = async (url, init) => {
  const response = await fetch(url, init);
  steps.push(`${init?.method ?? 'GET'} ${url} -> ${response.status}`);
  return response;
};

// The loopback redirect URI (RFC 8252 §7.3): the browser lands here with the code.
const redirect = new URL(REDIRECT_URL);
const callback = new Promise((resolve, reject) => {
  const server = createServer((request, response) => {
    const url = new URL(request.url, REDIRECT_URL);
    if (url.pathname !== redirect.pathname) {
      response.writeHead(404).end();
      return;
    }
    const code = url.searchParams.get('code');
    const ok = code && url.searchParams.get('state') === expectedState;
    response.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' });
    response.end(ok ? '<h1>MCP client signed in</h1><p>You can close this window.</p>'
      : `<h1>MCP client sign-in failed</h1><p>${url.searchParams.get('error') ?? 'state mismatch'}</p>`);
    server.close();
    steps.push(`callback ${ok ? 'with code' : 'refused'}`);
    if (ok) resolve(code);
    else reject(new Error(`callback without a code or with another state: ${url.search}`));
  });
  server.on('error', reject);
  server.listen(Number(redirect.port), redirect.hostname);
});

const provider = {
  get redirectUrl() { return REDIRECT_URL; },
  get clientMetadata() {
    return {
      client_name: 'MCP TypeScript SDK check',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'mcp:tools offline_access',
    };
  },
  state() { return expectedState; },
  clientInformation() { return state.client; },
  saveClientInformation(info) { state.client = info; },
  tokens() { return state.tokens; },
  saveTokens(tokens) { state.tokens = tokens; },
  redirectToAuthorization(url) {
    // This SDK version asks for the scope of the 401 only; clients that want a
    // refresh token add offline_access with prompt=consent (as MCP clients
    // do), which is what the user's browser is sent to here.
    const scope = url.searchParams.get('scope') ?? '';
    if (!scope.split(' ').includes('offline_access')) {
      url.searchParams.set('scope', `${scope} offline_access`.trim());
      url.searchParams.set('prompt', 'consent');
    }
    state.authorizationUrl = url.toString();
    steps.push('redirectToAuthorization');
    console.log(JSON.stringify({ authorization_url: state.authorizationUrl }));
  },
  saveCodeVerifier(verifier) { state.verifier = verifier; },
  codeVerifier() { return state.verifier; },
};

const transport = () => new StreamableHTTPClientTransport(new URL(MCP_URL), { authProvider: provider, fetch: tracedFetch });

async function whoami() {
  const client = new Client({ name: 'hallpass-check', version: '1.0.0' });
  await client.connect(transport());
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  await client.close();
  return JSON.parse(result.content[0].text);
}

const first = transport();
try {
  await new Client({ name: 'hallpass-check', version: '1.0.0' }).connect(first);
  throw new Error('connected without authorization');
} catch (e) {
  if (!(e instanceof UnauthorizedError)) throw e;
}
await first.finishAuth(await callback);
const before = await whoami();
const firstToken = state.tokens.access_token;
const refreshed = await auth(provider, { serverUrl: MCP_URL, fetchFn: tracedFetch });
const after = await whoami();

const authorization = new URL(state.authorizationUrl);
console.log(JSON.stringify({
  client_id: state.client?.client_id,
  authorization: Object.fromEntries(authorization.searchParams),
  had_refresh_token: Boolean(state.tokens.refresh_token),
  before,
  refreshed,
  token_changed: state.tokens.access_token !== firstToken,
  after,
  steps,
}));
