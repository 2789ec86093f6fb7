// panva's certified oidc-provider (npm, pinned in package.json), set up as a MitID broker documents
// its profile, for the portal's login tests. Never in production: the tests start it on a loopback
// port. Usage: node server.mjs <port> <profile: broker|plain> <config.json>
//   broker: claims (dk.cpr, nemlogin.cvr, names) only from userinfo; private_key_jwt whose assertion
//           names its key (kid) and lives at most 120 s; acr_values; the level of assurance in
//           the ID token (loa, acr); back-channel logout; the authorization response's iss
//           (RFC 9207, sent and advertised as oidc-provider always does).
//   plain:  claims in the ID token too; client_secret_basic.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider, { errors } from 'oidc-provider';

const [port, profile, configPath] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const issuer = `http://127.0.0.1:${port}`;
const broker = profile === 'broker';
const NSIS = 'https://data.gov.dk/concept/core/nsis/loa/';
const MAX_ASSERTION_LIFETIME = 120;  // seconds

// The portal's test identities (fictitious: substitute CPR numbers, test CVR numbers).
const ACCOUNTS = {
  lise: { name: 'Lise Testesen', 'dk.cpr': '6105904321' },
  hanne: { name: 'Hanne Arbejdsgiver', 'nemlogin.cvr': '12345674', 'nemlogin.org_name': 'Testbageriet ApS' },
  mette: { name: 'Mette Sagsbehandler' },
};

const client = {
  client_id: config.client_id,
  redirect_uris: config.redirect_uris,
  post_logout_redirect_uris: config.post_logout_redirect_uris,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  ...(broker
    ? { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: config.client_public_jwks },
        backchannel_logout_uri: config.backchannel_logout_uri, backchannel_logout_session_required: true }
    : { token_endpoint_auth_method: 'client_secret_basic', client_secret: config.client_secret }),
};

const provider = new Provider(issuer, {
  clients: [client],
  jwks: { keys: [config.signing_jwk] },
  pkce: { required: () => true },
  scopes: ['openid', 'mitid', 'profile'],
  claims: { openid: ['sub'], mitid: ['name', 'dk.cpr', 'nemlogin.cvr', 'nemlogin.org_name'],
            profile: ['name', 'dk.cpr', 'nemlogin.cvr', 'nemlogin.org_name'], loa: ['loa'] },
  acrValues: [`${NSIS}Low`, `${NSIS}Substantial`, `${NSIS}High`],
  conformIdTokenClaims: broker,  // broker: scope claims only from userinfo
  features: {
    devInteractions: { enabled: false },
    backchannelLogout: { enabled: broker },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims(use) {
        const loa = ctx.oidc?.session?.loa || `${NSIS}Substantial`;
        return { sub: id, ...(ACCOUNTS[id] || {}), ...(use === 'id_token' ? { loa } : {}) };
      },
    };
  },
  // Every client assertion is written to the log (its header's kid and its times, never the token),
  // and one that names no registered key or lives too long is refused.
  async assertJwtClientAuthClaimsAndHeader(ctx, claims, header) {
    console.log(`client_assertion ${JSON.stringify({ kid: header.kid ?? null, iat: claims.iat ?? null,
      exp: claims.exp, jti: claims.jti ?? null })}`);
    if (!config.client_public_jwks.some((key) => key.kid === header.kid)) {
      throw new errors.InvalidClientAuth('the client assertion must name a registered key (kid)');
    }
    if (typeof claims.iat !== 'number' || claims.exp - claims.iat > MAX_ASSERTION_LIFETIME) {
      throw new errors.InvalidClientAuth(`the client assertion must live at most ${MAX_ASSERTION_LIFETIME} s`);
    }
  },
  extraParams: ['idp_values', 'portal_role'],
  ttl: { Session: 3600, Interaction: 600, Grant: 3600 },
  cookies: { keys: ['test-only-cookie-key'] },
  // The portal under test listens on loopback, which the provider's SSRF guard refuses by design.
  fetch: (url, options) => { delete options.dispatcher; return fetch(url, options); },
});
provider.proxy = false;
provider.on("backchannel.error", (ctx, error, client) => console.log(`backchannel.error ${client.clientId} ${error.message} ${error.cause && (error.cause.code || error.cause.message)}`));
provider.on('backchannel.success', (ctx, client) => console.log(`backchannel.success ${client.clientId}`));

// The login page: a button a test identity, and the level of assurance to log in at.
const page = (uid) => `<!DOCTYPE html><html lang="da"><body>${Object.entries(ACCOUNTS).map(([id, a]) =>
  `<form method="post" action="/interaction/${uid}"><input type="hidden" name="loa" value="Substantial">` +
  `<button name="login" value="${id}">${a.name}</button></form>` +
  `<form method="post" action="/interaction/${uid}"><input type="hidden" name="loa" value="Low">` +
  `<button name="login" value="${id}">${a.name} (Low)</button></form>`).join('')}</body></html>`;

const handler = provider.callback();
createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)/);
  if (!match) return handler(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      return res.end(page(details.uid));
    }
    const body = await new Promise((resolve) => { let d = ''; req.on('data', (c) => { d += c; }); req.on('end', () => resolve(d)); });
    const form = new URLSearchParams(body);
    const accountId = form.get('login');
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const result = {
      login: { accountId, acr: `${NSIS}${form.get('loa')}` },
      consent: { grantId: await grant.save() },
    };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  } catch (error) {
    res.statusCode = 400;
    return res.end(String(error));
  }
}).listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
