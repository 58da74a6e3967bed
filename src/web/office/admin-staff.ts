// The staff list, for registrar-admins only: who works at which office, in which role;
// adding someone (or changing their role) and removing them, audited as this admin.
import type Router from '@koa/router';
import { z } from 'zod';
import type { OfficeContext, OfficeDeps, OfficeState } from './context.ts';
import { registrarAdmins } from './clerk.ts';
import { noticeOf, postedForm, redirectAfterPost, renderConfirmation, renderOfficePage } from './page.ts';
import { translator } from '../render.ts';
import { AppError } from '../../errors.ts';
import { STAFF_ROLES } from '../../enrolment/staff.ts';

const PATH = '/office/admin/staff';

const addSchema = z.object({
  eid: z.string().trim().regex(/^[0-9 ]{8,30}$/, 'fields.eid.unknown'),
  role: z.enum(STAFF_ROLES as ['clerk', 'supervisor', 'registrar_admin'], 'office.staff.roleRequired'),
  office: z.string().trim().transform((value) => value || null),
});

async function renderStaff(deps: OfficeDeps, ctx: OfficeContext, extra: { values?: Record<string, string>; error?: AppError } = {}): Promise<void> {
  const [staff, offices] = await Promise.all([deps.staff.list(), deps.offices.list()]);
  if (extra.error) ctx.status = extra.error.status;
  renderOfficePage(deps, ctx, 'staff', 'staff', {
    staff, offices, roles: STAFF_ROLES, values: extra.values ?? {}, error: extra.error, pagePath: PATH, notice: noticeOf(ctx, ['staff-added', 'staff-removed']),
  });
}

const actorName = (ctx: OfficeContext) => `staff:${ctx.state.clerk.staff.personId}`;

export function mountAdminStaff(router: Router<OfficeState>, deps: OfficeDeps): void {
  router.get('/admin/staff', registrarAdmins, async (ctx) => renderStaff(deps, ctx));

  router.post('/admin/staff', registrarAdmins, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const values = { eid: form.get('eid') ?? '', role: form.get('role') ?? '', office: form.get('office') ?? '' };
    const parsed = addSchema.safeParse(values);
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
      return renderStaff(deps, ctx, { values, error: new AppError('invalid_form', { fields }) });
    }
    try {
      await deps.staff.add({ eid: parsed.data.eid, role: parsed.data.role, officeCode: parsed.data.office }, actorName(ctx));
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_form') return renderStaff(deps, ctx, { values, error: err });
      throw err;
    }
    redirectAfterPost(ctx, PATH, 'staff-added');
  });

  router.post('/admin/staff/remove', registrarAdmins, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const eid = (form.get('eid') ?? '').replace(/\s/g, '');
    const member = (await deps.staff.list()).find((each) => each.eid === eid);
    if (!member) throw new AppError('not_found');
    if (form.get('confirmed') !== 'yes') {
      const t = translator(ctx.state.locale);
      return renderConfirmation(deps, ctx, 'staff', {
        title: t('office.staff.removeTitle', { name: member.name }),
        paragraphs: [t('office.staff.removeEffect')],
        action: ctx.path, fields: { eid, confirmed: 'yes' }, button: t('office.staff.removeButton'), back: PATH,
      });
    }
    await deps.staff.remove(eid, actorName(ctx));
    redirectAfterPost(ctx, PATH, 'staff-removed');
  });
}
