// Registering your own client with OpenID Dynamic Client Registration, with the initial
// access token that Hawiya's operator issued to your agency. The client belongs to your
// agency and may ask for your agency's scopes only; redirect URIs are https (a native
// app may use http://127.0.0.1 or http://[::1]). Keep the registration_access_token
// from the answer: it reads the registration back.
import * as client from 'openid-client';
import type { JWK } from 'jose';

export async function registerService(issuer: URL, initialAccessToken: string, publicJwk: JWK, options: { insecure?: boolean } = {}) {
  const config = await client.dynamicClientRegistration(issuer, {
    client_name: 'Tax returns',
    redirect_uris: ['https://returns.tax.example.gov/oidc/callback'],
    post_logout_redirect_uris: ['https://returns.tax.example.gov/'],
    backchannel_logout_uri: 'https://returns.tax.example.gov/oidc/backchannel-logout',
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    jwks: { keys: [publicJwk as client.JsonObject] },
    require_pushed_authorization_requests: true,
    dpop_bound_access_tokens: true,
  }, undefined, { initialAccessToken, ...(options.insecure ? { execute: [client.allowInsecureRequests] } : {}) });
  return config.clientMetadata();
}
