// /account: the person's details as the register holds them. Read-only: corrections are
// made at an office, with the identity document.
import type Router from '@koa/router';
import type { AccountDeps, AccountState } from './context.ts';
import { renderAccountPage } from './page.ts';
import { formatCalendarDate } from './format.ts';

export function mountProfile(router: Router<AccountState>, deps: AccountDeps): void {
  router.get('/', async (ctx) => {
    const { person } = ctx.state.me;
    const full = (names: typeof person.names.ar) => [names.given, names.father, names.grandfather, names.family].join(' ');
    renderAccountPage(deps, ctx, 'profile', 'profile', {
      nameArabic: full(person.names.ar),
      nameLatin: full(person.names.lat),
      eid: person.eid,
      birthDate: formatCalendarDate(ctx.state.locale, person.birthDate),
      birthDateIso: person.birthDate,
      birthplace: person.birthplace,
      sex: person.sex,
      nationality: person.nationality,
    });
  });
}
