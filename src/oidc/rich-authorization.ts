// oidc-provider's richAuthorizationRequests feature, with our policy: the types of
// authorization-details.ts, each checked by its schema; a client asks only for the types
// it registered; a token carries only the details the person approved on the consent page.
import {
  errors, type KoaContextWithOIDC, type AuthorizationDetail, type RichAuthorizationRequestType,
  type AuthorizationDetailsForGrantSource, type AuthorizationDetailsForAccessToken, type AuthorizationDetailsForIntrospection,
} from 'oidc-provider';
import { AUTHORIZATION_DETAIL_SCHEMAS, authorizationDetailProblem, approvedDetails, type AuthorizationDetailType } from './authorization-details.ts';

function requestedDetails(ctx: KoaContextWithOIDC): AuthorizationDetail[] {
  const raw = ctx.oidc.params?.authorization_details;
  if (typeof raw !== 'string') return [];
  const parsed: unknown = JSON.parse(raw);
  return Array.isArray(parsed) ? parsed as AuthorizationDetail[] : [];
}

function typeValidator(type: AuthorizationDetailType): RichAuthorizationRequestType {
  return {
    validate(_ctx: KoaContextWithOIDC, detail: unknown) {
      const problem = authorizationDetailProblem(type, detail);
      if (problem) throw new errors.InvalidAuthorizationDetails(`${type}: ${problem}`);
    },
  };
}

const forGrantSource: AuthorizationDetailsForGrantSource = (ctx) => approvedDetails(requestedDetails(ctx), ctx.oidc.grant?.rar ?? []);

// From a code or refresh token: what it carries. Client credentials: what the client
// asked for, already held to its registered types and the schemas.
const forAccessToken: AuthorizationDetailsForAccessToken = (ctx, _token, source) => (source ? (source as { rar?: AuthorizationDetail[] }).rar : requestedDetails(ctx));

const forIntrospection: AuthorizationDetailsForIntrospection = (_ctx, token) => (token as { rar?: AuthorizationDetail[] }).rar;

export function richAuthorizationRequests(): {
  enabled: true;
  types: Record<string, RichAuthorizationRequestType>;
  authorizationDetailsForGrantSource: AuthorizationDetailsForGrantSource;
  authorizationDetailsForAccessToken: AuthorizationDetailsForAccessToken;
  authorizationDetailsForIntrospection: AuthorizationDetailsForIntrospection;
} {
  const types = Object.fromEntries((Object.keys(AUTHORIZATION_DETAIL_SCHEMAS) as AuthorizationDetailType[]).map((type) => [type, typeValidator(type)]));
  return {
    enabled: true,
    types,
    // The code carries what was requested and approved: the grant holds the approvals.
    authorizationDetailsForGrantSource: forGrantSource,
    authorizationDetailsForAccessToken: forAccessToken,
    authorizationDetailsForIntrospection: forIntrospection,
  };
}
