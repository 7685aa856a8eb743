"""The dashboard as JSON: the figures of the API and the data behind the page's charts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from biopark.dashboard.service import Dashboard


def to_json(d: Dashboard) -> dict[str, Any]:
    """JSON-ready figures of a dashboard (money as strings of yuan)."""
    inv = d.investment
    target = inv.ytd.target
    return {
        "park": {"id": d.park.id, "code": d.park.code, "name": d.park.name},
        "period": {
            "year": d.period.year,
            "month_from": d.period.month_from,
            "month_to": d.period.month_to,
        },
        "investment": {
            "signed_projects": inv.signed_projects,
            "agreed_investment": str(inv.agreed_investment),
            "funds_in_place": str(inv.funds_in_place),
            "ytd_signed_projects": inv.ytd.signed_projects,
            "ytd_agreed_investment": str(inv.ytd.agreed_investment),
            "ytd_funds_in_place": str(inv.ytd.funds_in_place),
            "funds_in_place_rate": _s(inv.ytd.funds_in_place_rate),
            "target": None
            if target is None
            else {
                "projects": target.projects,
                "agreed_investment": _s(target.agreed_investment),
                "funds_in_place": _s(target.funds_in_place),
            },
            "progress": {k: _s(v) for k, v in inv.ytd.progress.model_dump().items()},
            "stage_counts": inv.ytd.stage_counts,
            "months": [
                {k: (str(v) if isinstance(v, Decimal) else v) for k, v in m.items()}
                for m in inv.months
            ],
            "by_chain": [
                {**r, "agreed_investment": str(r["agreed_investment"])} for r in d.by_chain
            ],
        },
        "pipeline": {
            "park": d.funnel.model_dump(mode="json"),
            "city": d.city_funnel.model_dump(mode="json"),
        },
        "chain": {
            "links": d.chain.links,
            "covered": d.chain.covered,
            "weak": d.chain.weak,
            "gaps": d.chain.gaps,
            "top_gaps": d.chain.top_gaps,
        },
        "services": {
            "requests": d.sla.total,
            "on_time": d.sla.on_time,
            "overdue": d.sla.overdue,
            "on_time_rate": _s(d.sla.on_time_rate),
            "satisfaction": _s(d.sla.satisfaction),
            "rated": d.sla.rated,
            "open_overdue": d.sla.open_overdue,
        },
        "tasks": {
            "total": d.tasks_total,
            "overdue": d.tasks_overdue,
            "due_soon": d.tasks_due_soon,
        },
        "comparisons": {
            key: {
                "label": c.label,
                "current": _s(c.yoy.current),
                "last_year": _s(c.yoy.previous),
                "yoy_pct": _s(c.yoy.pct),
                "yoy_period": c.yoy_label,
                "previous": _s(c.mom.previous),
                "mom_pct": _s(c.mom.pct),
                "mom_period": c.mom_label,
            }
            for key, c in d.comparisons.items()
        },
        "deals": [
            {
                **deal,
                "total": _s(deal["total"]),
                "upfront": _s(deal["upfront"]),
                "signed_on": deal["signed_on"].isoformat() if deal["signed_on"] else None,
            }
            for deal in d.deals
        ],
    }


def _s(value: Any) -> str | None:
    return None if value is None else str(value)
