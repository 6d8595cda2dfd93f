// oidc-provider configured like Hallpass for the side-by-side benchmark:
// ES256 JWT access tokens (RFC 9068), 300 s access tokens, rotating refresh
// tokens, client_secret_basic. It keeps its state in memory (its default
// adapter), where Hallpass writes every grant to SQLite; the figures say so.
//
// usage: node server.mjs PORT SESSIONS
// prints one JSON line: {"issuer", "refresh_tokens": [...]} once listening.
// `GET /bench/refresh-tokens?n=N` mints N more, for a later run: the default
// adapter keeps only the last 1,000 things it stored, so tokens minted at
// start are forgotten once a run has rotated a few thousand.
import Provider from 'oidc-provider';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.argv[2] || 3001);
const sessions = Number(process.argv[3] || 64);
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const key = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'es256' };
const resource = 'urn:hallpass:load';

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'load',
    client_secret: 'load-secret-load-secret-load-secret',
    grant_types: ['client_credentials', 'refresh_token', 'authorization_code'],
    redirect_uris: ['http://localhost:3000/callback'],
    response_types: ['code'],
    scope: 'openid offline_access load:test',
    id_token_signed_response_alg: 'ES256',
  }],
  jwks: { keys: [key] },
  scopes: ['openid', 'offline_access', 'load:test'],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'load:test',
        accessTokenFormat: 'jwt',
        accessTokenTTL: 300,
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
  rotateRefreshToken: true,
  findAccount: (ctx, accountId) => ({ accountId, claims: () => ({ sub: accountId }) }),
  ttl: { AccessToken: 300, ClientCredentials: 300, IdToken: 3600, RefreshToken: 30 * 86400, Grant: 30 * 86400 },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));

// Refresh tokens for independent sessions, as Hallpass's load generator seeds its own.
const client = await provider.Client.find('load');
let minted = 0;
async function mint(count) {
  const tokens = [];
  for (let i = 0; i < count; i++) {
    const accountId = `user-${minted++}`;
    const grant = new provider.Grant({ accountId, clientId: 'load' });
    grant.addOIDCScope('openid offline_access');
    grant.addResourceScope(resource, 'load:test');
    const grantId = await grant.save();
    const token = new provider.RefreshToken({
      accountId,
      client,
      grantId,
      gty: 'authorization_code',
      scope: 'openid offline_access',
      resource,
      authTime: Math.floor(Date.now() / 1000),
    });
    tokens.push(await token.save());
  }
  return tokens;
}

const refreshTokens = await mint(sessions);
const oidc = provider.callback();
createServer(async (req, res) => {
  if (req.url.startsWith('/bench/refresh-tokens')) {
    const count = Number(new URL(req.url, issuer).searchParams.get('n') || sessions);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(await mint(count)));
    return;
  }
  oidc(req, res);
}).listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ issuer, refresh_tokens: refreshTokens }));
});
