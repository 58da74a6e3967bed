// Four eyes at the office: the supervisors' list of pending requests (a registry
// mismatch to override, a reactivation after fraud), each approved or refused by a
// supervisor other than the one who asked. The domain refuses self-approval.
import type Router from '@koa/router';
import type { OfficeDeps, OfficeState } from './context.ts';
import { supervisors } from './clerk.ts';
import { actorOf, noticeOf, postedForm, redirectAfterPost, renderOfficePage } from './page.ts';
import { AppError } from '../../errors.ts';
import { decideApproval, pendingApprovals } from '../../enrolment/approvals.ts';
import { formatMoment } from '../account/format.ts';

export function mountApprovals(router: Router<OfficeState>, deps: OfficeDeps): void {
  router.get('/approvals', supervisors, async (ctx) => {
    const { staff } = ctx.state.clerk;
    const [requests, colleagues] = await Promise.all([pendingApprovals(deps.db, staff.officeCode!), deps.staff.list(staff.officeCode!)]);
    const names = new Map(colleagues.map((member) => [member.personId, member.name]));
    renderOfficePage(deps, ctx, 'approvals', 'approvals', {
      requests: requests.map((request) => ({
        ...request,
        requestedByName: names.get(request.requestedBy) ?? '',
        own: request.requestedBy === staff.personId,
        requestedAt: formatMoment(ctx.state.locale, request.requestedAt),
        href: request.kind === 'override_mismatch' ? `/office/applications/${request.subject}` : `/office/people/${request.subject}`,
      })),
      notice: noticeOf(ctx, ['approved', 'refused']),
      pagePath: '/office/approvals',
    });
  });

  router.post('/approvals/:id', supervisors, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const decision = form.get('decision');
    if (decision !== 'approve' && decision !== 'refuse') throw new AppError('bad_request', { message: 'decision must be approve or refuse' });
    await decideApproval(deps, { approvalId: String(ctx.params.id ?? ''), approve: decision === 'approve' }, actorOf(ctx));
    redirectAfterPost(ctx, '/office/approvals', decision === 'approve' ? 'approved' : 'refused');
  });
}
