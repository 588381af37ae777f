"""Staff governance API (A1-A8): records, credentials, verification, CE, training,
statements, corrective actions, job descriptions, clinical oversight, caseloads.

Everyone reads their own record (`/staff/me`) and signs statements; supervisors read
their team's records and set caseload guidelines; administrators and compliance
officers read and change everyone's in the program; auditors read. Other staff are 404
(audited). Each request writes exactly one audit event.

One module per area, each with its own router mounted here under the `staff` tag, in
the order the routes are documented: `records`, `credentials`, `training`, `oversight`,
`caseloads`, `mfa_reset`.
"""

from ninja import Router

from casework.staff.api import caseloads, credentials, mfa_reset, oversight, records, training

router = Router(tags=["staff"])
for _area in (records, credentials, training, oversight, caseloads, mfa_reset):
    router.add_router("", _area.router)
