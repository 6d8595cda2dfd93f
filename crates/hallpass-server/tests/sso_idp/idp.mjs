// panva's oidc-provider (OpenID-certified) as the upstream IdP of the SSO
// browser test (tests/browser.rs, `enterprise_sso_through_oidc_provider`).
// Its development sign-in pages accept any login and password; the login is
// the account id, and an address when it holds an `@`.
//
// env: IDP_PORT, IDP_REDIRECT_URI (Hallpass's callback for the connection),
// IDP_CLIENT_SECRET. Prints `listening <issuer>` once it answers.
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: 'hallpass',
    client_secret: process.env.IDP_CLIENT_SECRET,
    redirect_uris: [process.env.IDP_REDIRECT_URI],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: (ctx, id) => ({
    accountId: id,
    claims: () => ({
      sub: id,
      email: id.includes('@') ? id : `${id}@acme.test`,
      email_verified: true,
      name: 'Ada Lovelace',
    }),
  }),
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));
provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
