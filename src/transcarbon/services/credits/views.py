"""What the faces show of green-trip credits: the public aggregates (reductions, participants, by mode and
month; a group with fewer participants than the city's ``participants_min`` is not shown on its own), the
cockpit's figure, and the admin overview (methodology versions, rules, partners, queue, ledger head)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transcarbon.factors.credits import methodology, versions
from transcarbon.methods.credits_rules import RULES, RULES_VERSION
from transcarbon.services.credits import ledger, partners, review
from transcarbon.services.credits.common import CreditsContext
from transcarbon.store.models_credits import CreditTrip


def public_summary(session: Session, ctx: CreditsContext) -> dict[str, Any]:
    """Credited reductions [kg], trips and participants: in total, by mode and by month (small groups hidden)."""
    t = CreditTrip
    credited = t.status == "credited"
    total = session.execute(
        select(func.coalesce(func.sum(t.reduction_kg), 0.0), func.count(), func.count(t.account_id.distinct())).where(
            credited
        )
    ).one()
    least = ctx.section.participants_min

    def groups(col: Any) -> list[dict[str, Any]]:
        rows = session.execute(
            select(col, func.sum(t.reduction_kg), func.count(), func.count(t.account_id.distinct()))
            .where(credited, col.is_not(None))
            .group_by(col)
            .order_by(col)
        ).all()
        return [
            {"key": k, "reduction_kg": float(r), "trips": int(n), "participants": int(p)}
            for k, r, n, p in rows
            if int(p) >= least
        ]

    month = func.substr(t.day, 1, 7)
    return {
        "reduction_kg": float(total[0]),
        "trips": int(total[1]),
        "participants": int(total[2]),
        "by_mode": groups(t.mode),
        "by_month": groups(month),
        "participants_min": least,
        "methodology": methodology_card(ctx),
    }


def methodology_card(ctx: CreditsContext) -> dict[str, Any]:
    """The methodology in force: version, hash, baseline, points per kg, each credited mode's factor."""
    m = ctx.method
    return {
        "version": m.version,
        "hash": m.hash,
        "title_zh": m.title_zh,
        "title_en": m.title_en,
        "baseline": m.baseline_kind,
        "baseline_ef_kgco2_per_pkm": m.baseline_ef,
        "baseline_source": m.baseline_source,
        "points_per_kg": m.points_per_kg,
        "validity_days": m.validity_days,
        "modes": [
            {
                "mode": f.mode,
                "ef_kgco2_per_pkm": f.ef_kgco2_per_pkm,
                "reduction_kg_per_km": max(0.0, m.baseline_ef - f.ef_kgco2_per_pkm),
                "max_speed_kmh": f.max_speed_kmh,
                "daily_km_cap": f.daily_km_cap,
                "source": f.source,
                "status": f.status,
            }
            for f in m.modes.values()
            if f.creditable
        ],
    }


def cockpit_figure(session: Session) -> dict[str, Any]:
    """The city's credited green-trip reduction [t CO2] and participants, for the cockpit."""
    t = CreditTrip
    kg, people = session.execute(
        select(func.coalesce(func.sum(t.reduction_kg), 0.0), func.count(t.account_id.distinct())).where(
            t.status == "credited"
        )
    ).one()
    return {"reduction_t": float(kg) / 1000.0, "participants": int(people)}


def admin_overview(session: Session, ctx: CreditsContext) -> dict[str, Any]:
    """Methodology versions (with hashes under the city's baseline), the rules, partners, the review queue, the
    ledger's head and counts of trips by status."""
    t = CreditTrip
    counts = {s: int(n) for s, n in session.execute(select(t.status, func.count()).group_by(t.status)).all()}
    return {
        "current": methodology_card(ctx),
        "versions": [
            {"version": v, "hash": methodology(v, ctx.method.baseline_kind).hash, "current": v == ctx.method.version}
            for v in versions()
        ],
        "rules_version": RULES_VERSION,
        "rules": list(RULES),
        "partners": partners.list_partners(session),
        "queue": review.queue(session),
        "head": ledger.head_state(session),
        "counts": counts,
    }
