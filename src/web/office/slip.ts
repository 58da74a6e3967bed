// The slip handed to the citizen: their username and activation code, in their language,
// printed on one page. The code exists in clear only in this response: it is stored
// hashed, never put in a URL, and the page is never cached (the office pages are no-store).
import type { OfficeContext, OfficeDeps } from './context.ts';
import { inLocale, renderOfficePage } from './page.ts';
import { formatActivationCode } from '../../enrolment/codes.ts';
import { formatMoment } from '../account/format.ts';
import type { Locale } from '../i18n.ts';

export interface SlipContent {
  kind: 'activation' | 'recovery';
  username: string;
  activationCode: string;
  codeExpiresAt: Date;
  locale: Locale;
}

export function renderSlip(deps: OfficeDeps, ctx: OfficeContext, slip: SlipContent): void {
  const { office } = ctx.state.clerk;
  inLocale(ctx, slip.locale);
  ctx.set('Cache-Control', 'no-store');
  renderOfficePage(deps, ctx, 'slip', null, {
    kind: slip.kind,
    username: slip.username,
    code: formatActivationCode(slip.activationCode),
    expiresAt: formatMoment(slip.locale, slip.codeExpiresAt),
    expiresAtIso: slip.codeExpiresAt.toISOString(),
    activateUrl: new URL('/activate', deps.provider().issuer).toString(),
    issuedAt: formatMoment(slip.locale, deps.clock.now()),
    slipOffice: office ? office.names[slip.locale] : '',
    mainClass: 'slip-page',
  });
}
