"""The audit log: who did what, when, to which school-year and version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..store import Store

ACTION_LABELS = {
    "add-account": "创建账号",
    "reset-password": "重置密码",
    "change-password": "修改密码",
    "login": "登录",
    "login-failed": "登录失败",
    "open-round": "开启填报",
    "change-deadline": "修改截止时间",
    "upload": "上传",
    "withdraw": "撤回提交（上传了新版本）",
    "submit": "提交审核",
    "approve": "审核通过",
    "return": "退回",
    "reopen": "重新开放",
    "check": "目标检查",
    "render": "生成报告",
}


@dataclass(frozen=True)
class AuditEvent:
    event_id: int
    happened_at: dt.datetime
    actor: str
    role: str
    action: str
    school_code: str | None
    year: int | None
    submission_id: int | None
    version: int | None
    detail: str | None

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def record(
    store: Store,
    actor: str,
    role: str,
    action: str,
    *,
    school_code: str | None = None,
    year: int | None = None,
    submission_id: int | None = None,
    version: int | None = None,
    detail: str | None = None,
) -> None:
    """Append one event; callers run it inside the transaction of the change it records."""
    store.con.execute(
        """INSERT INTO audit_log VALUES (nextval('audit_event_seq'), current_timestamp::TIMESTAMP,
           ?, ?, ?, ?, ?, ?, ?, ?)""",
        [actor, role, action, school_code, year, submission_id, version, detail],
    )


def audit_events(
    store: Store, *, year: int | None = None, school_code: str | None = None, limit: int = 1000
) -> list[AuditEvent]:
    """The latest events first, optionally for one year and one school."""
    conditions: list[str] = []
    params: list[object] = []
    if year is not None:
        conditions.append("(year = ? OR year IS NULL)")
        params.append(year)
    if school_code is not None:
        conditions.append("school_code = ?")
        params.append(school_code)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = store.rows(
        f"""SELECT event_id, happened_at, actor, role, action, school_code, year, submission_id,
                   version, detail
            FROM audit_log {where} ORDER BY event_id DESC LIMIT {int(limit)}""",
        params or None,
    )
    return [AuditEvent(*r) for r in rows]
