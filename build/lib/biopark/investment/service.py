"""Investment pipeline services (a facade over the modules that hold them).

Only investment officers, leaders and admins of a park reach these records;
other roles get Forbidden, and another park's ids look missing (NotFound).
Statistics live in stats.py; `year_stats` is exposed here for the dashboard:
`year_stats(session, *, park_id, year, month_to=None, team=None, chain=None)`.
"""

from __future__ import annotations

from biopark.investment.access import (
    ACCESS,
    ENTITY_LEAD,
    ENTITY_PROJECT,
    TARGET_EDITORS,
    check_access,
    officers,
    today_local,
)
from biopark.investment.leads import (
    check_consult_rate,
    close_lead,
    create_consultation,
    create_lead,
    get_lead,
    list_leads,
    mark_contacted,
    qualify_lead,
    sla_hours_left,
    update_lead,
)
from biopark.investment.loop import loop_items, overdue_by
from biopark.investment.projects import (
    ProjectFilter,
    add_funds,
    add_visit,
    change_stage,
    create_project,
    decorate_projects,
    get_project,
    list_funds,
    list_projects,
    list_visits,
    project_query,
    stage_history,
    timeline,
    update_project,
)
from biopark.investment.schemas import ConsultationCreate, OverdueItem
from biopark.investment.stats import year_stats
from biopark.investment.targets import list_targets, set_target

__all__ = [
    "ACCESS",
    "ENTITY_LEAD",
    "ENTITY_PROJECT",
    "TARGET_EDITORS",
    "ConsultationCreate",
    "OverdueItem",
    "ProjectFilter",
    "add_funds",
    "add_visit",
    "change_stage",
    "check_access",
    "check_consult_rate",
    "close_lead",
    "create_consultation",
    "create_lead",
    "create_project",
    "decorate_projects",
    "get_lead",
    "get_project",
    "list_funds",
    "list_leads",
    "list_projects",
    "list_targets",
    "list_visits",
    "loop_items",
    "mark_contacted",
    "officers",
    "overdue_by",
    "project_query",
    "qualify_lead",
    "set_target",
    "sla_hours_left",
    "stage_history",
    "timeline",
    "today_local",
    "update_lead",
    "update_project",
    "year_stats",
]
