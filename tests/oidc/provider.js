// A real OpenID provider (the npm package oidc-provider) on 127.0.0.1 for the tests of the OpenID Connect login.
// Started by tests/oidc_provider.py: `node provider.js` prints "PORT <n>" once it listens.
// oidc-provider stays on 8.x (package.json): 9.x wants node 20.19, and Debian 12's apt nodejs is 18.20.
// Beside the provider's own endpoints it has a small login page (/interaction/...) and a test control
// (POST /_test/state) that sets the accounts, a clock skew for the token endpoint (an expired ID token) and
// an ID token re-issued by this provider with one claim changed (a wrong audience), signed with its own key.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';

import Provider, { interactionPolicy } from 'oidc-provider';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
// state: accounts by login name ({sub, name, groups, roles, amr, acr}), skew (seconds), reissue ({claim: value}).
let state = { accounts: {}, skew: 0, reissue: null };

// An account switched off here ({disabled: true}) must log in again, and cannot: as Entra ID after disabling.
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check('account_disabled', 'the account was disabled',
  (ctx) => (known(ctx.oidc.session.accountId)?.disabled ? interactionPolicy.Check.REQUEST_PROMPT
    : interactionPolicy.Check.NO_NEED_TO_PROMPT)));
const known = (sub) => Object.values(state.accounts).find((a) => a.sub === sub);

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },  // The tests register the app with its own redirect URIs.
      rpInitiatedLogout: { enabled: true },
    },
    // amr and acr with every ID token, as Entra ID sends amr; the rest as oidc-provider's defaults.
    claims: { sid: null, auth_time: null, iss: null, openid: ['sub', 'amr', 'acr'],
      profile: ['name', 'preferred_username'], groups: ['groups', 'roles'] },
    scopes: ['openid', 'profile', 'groups', 'offline_access'],
    conformIdTokenClaims: false,  // The claims of the granted scopes go into the ID token, as Entra ID does.
    pkce: { required: () => true },
    acrValues: ['pwd', 'mfa'],
    interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      const account = known(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          const claims = { sub: id, name: account.name };
          if (account.groups) claims.groups = account.groups;
          if (account.roles) claims.roles = account.roles;
          if (account.preferred_username) claims.preferred_username = account.preferred_username;
          return claims;
        },
      };
    },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60 },
  });
  provider.on('server_error', (ctx, err) => console.error('server_error', err));

  provider.use(async (ctx, next) => {
    if (ctx.path === '/_test/state' && ctx.method === 'POST') {
      state = { accounts: {}, skew: 0, reissue: null, ...JSON.parse(await body(ctx.req)) };
      ctx.body = { ok: true };
      return;
    }
    const interaction = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (interaction) {
      await login(ctx, provider, interaction[2] && ctx.method === 'POST');
      return;
    }
    if (ctx.path === '/token' && state.skew) {
      const realNow = Date.now;
      Date.now = () => realNow() + state.skew * 1000;  // This provider's clock runs wrong for one token request.
      try { await next(); } finally { Date.now = realNow; }
    } else {
      await next();
    }
    if (ctx.path === '/token' && state.reissue && ctx.body && ctx.body.id_token) {
      const claims = { ...decodeJwt(ctx.body.id_token), ...state.reissue };
      const header = decodeProtectedHeader(ctx.body.id_token);
      ctx.body = { ...ctx.body, id_token: await new SignJWT(claims).setProtectedHeader(header)
        .sign(await importJWK(signingKey, 'RS256')) };
    }
  });
  server.on('request', provider.callback());
  console.log(`PORT ${server.address().port}`);
});

function body(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The provider's own login page: a login name (the test accounts have no password); consent is implied.
async function login(ctx, provider, submitted) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  let error = '';
  if (submitted) {
    const name = new URLSearchParams(await body(ctx.req)).get('login') || '';
    const account = state.accounts[name];
    if (account && !account.disabled) {
      const grant = new provider.Grant({ accountId: account.sub, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const result = { login: { accountId: account.sub, amr: account.amr, acr: account.acr },
        consent: { grantId: await grant.save() } };
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
      return;
    }
    error = `<p id="error">${account ? 'Dit account is uitgeschakeld.' : 'Onbekende gebruiker.'}</p>`;
  }
  ctx.type = 'html';
  ctx.body = `<!doctype html><html lang="nl"><head><meta name="viewport" content="width=device-width">
<title>Gemeente: inloggen</title></head><body><main><h1>Gemeente: inloggen</h1>${error}
<form method="post" action="/interaction/${escape(details.uid)}/login">
<label for="login">Gebruikersnaam</label> <input id="login" name="login" autocomplete="off">
<button type="submit">Inloggen bij de gemeente</button></form></main></body></html>`;
}
