// The official MCP TypeScript SDK client against examples/mcp-server and
// Hallpass: 401 -> protected-resource metadata -> authorization-server
// metadata -> registration (DCR, or a client ID metadata document when
// CLIENT_METADATA_URL is set) -> authorize with PKCE and `resource` ->
// consent -> token -> tool call -> refresh -> tool call.
//
// The user's browser is played with fetch: HALLPASS_COOKIE is a signed-in
// session; the consent page's form is submitted with "Allow".
//
// env: MCP_URL, HALLPASS_COOKIE, REDIRECT_URL, CLIENT_METADATA_URL (optional).
// Prints one JSON object on stdout.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, auth } from '@modelcontextprotocol/sdk/client/auth.js';

const { MCP_URL, HALLPASS_COOKIE, REDIRECT_URL, CLIENT_METADATA_URL } = process.env;
const steps = [];
// The SDK accepts only an https `clientMetadataUrl`; a loopback document is
// http, so the URL is handed over as the known client_id instead: Hallpass
// fetches the document exactly as it would for the SDK's own CIMD path.
const state = CLIENT_METADATA_URL ? { client: { client_id: CLIENT_METADATA_URL } } : {};

const tracedFetch = async (url, init) => {
  const response = await fetch(url, init);
  steps.push(`${init?.method ?? 'GET'} ${url} -> ${response.status}`);
  return response;
};

const unescape = (s) =>
  s.replace(/&#x2f;/gi, '/').replace(/&#x27;/gi, "'").replace(/&#39;/g, "'").replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function codeFrom(location) {
  const url = new URL(location);
  if (!url.searchParams.get('code')) throw new Error(`no code in ${location}`);
  return url.searchParams.get('code');
}

// The user: opens the authorization URL signed in, and allows on the consent page.
async function browser(authorizationUrl) {
  steps.push(`browser GET ${authorizationUrl}`);
  let response = await fetch(authorizationUrl, { headers: { cookie: HALLPASS_COOKIE }, redirect: 'manual' });
  if (response.status === 302) return codeFrom(response.headers.get('location'));
  const html = await response.text();
  if (response.status !== 200 || !html.includes('/oauth/consent')) {
    throw new Error(`expected the consent page, got ${response.status}: ${html.slice(0, 500)}`);
  }
  state.consentPage = html;
  const csrfCookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const fields = [...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)]
    .map((m) => [m[1], unescape(m[2])])
    .filter(([name]) => name !== 'decision');
  fields.push(['decision', 'allow']);
  response = await fetch(new URL('/oauth/consent', authorizationUrl), {
    method: 'POST',
    headers: { cookie: `${HALLPASS_COOKIE}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
  steps.push(`browser POST /oauth/consent -> ${response.status}`);
  if (response.status !== 302) throw new Error(`consent answered ${response.status}: ${await response.text()}`);
  return codeFrom(response.headers.get('location'));
}

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
  clientInformation() { return state.client; },
  saveClientInformation(info) { state.client = info; },
  tokens() { return state.tokens; },
  saveTokens(tokens) { state.tokens = tokens; },
  async redirectToAuthorization(url) {
    // This SDK version asks for the scope of the 401 only; clients that want a
    // refresh token add offline_access with prompt=consent (as MCP clients
    // do), which is what the user's browser is sent to here.
    const scope = url.searchParams.get('scope') ?? '';
    if (!scope.split(' ').includes('offline_access')) {
      url.searchParams.set('scope', `${scope} offline_access`.trim());
      url.searchParams.set('prompt', 'consent');
    }
    state.authorizationUrl = url.toString();
    state.code = await browser(url);
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
await first.finishAuth(state.code);
const before = await whoami();
const firstToken = state.tokens.access_token;
const refreshed = await auth(provider, { serverUrl: MCP_URL, fetchFn: tracedFetch });
const after = await whoami();

const authorization = new URL(state.authorizationUrl);
console.log(JSON.stringify({
  client_id: state.client?.client_id,
  authorization: Object.fromEntries(authorization.searchParams),
  had_refresh_token: Boolean(state.tokens.refresh_token),
  consent_page_names_client: state.consentPage?.includes('MCP TypeScript SDK check') ?? false,
  before,
  refreshed,
  token_changed: state.tokens.access_token !== firstToken,
  after,
  steps,
}));
