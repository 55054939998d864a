"""The port page (港口船舶): a stored ship run's emissions on a map of the port (the city's zones GeoJSON and the
run's grid cells, drawn as inline SVG: no tile server, nothing fetched), by operating mode, ship type, zone and port
call, the shore-power sessions with metered and modelled kWh and gross, grid and net avoided CO2, the shore-power
multiple against 2020, and the upload of AIS / register / shore-power files that runs a stored ship run in the
background; and the shore-power supervision page (岸电使用监管): warnings from AIS and the berth zones, two-party
records (the ship's declaration, the terminal's confirmation)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape

from transcarbon.api.deps import job_options
from transcarbon.i18n.numbers import format_number
from transcarbon.i18n.ships import local_time as lt
from transcarbon.i18n.ships import ship_name, zone_label
from transcarbon.services import job_worker, ship_jobs
from transcarbon.services import shore_power as sp
from transcarbon.services.database import transaction
from transcarbon.services.port_views import port_summary, ship_runs, zones_geojson
from transcarbon.web.analysis import evaluation_of, shown_year
from transcarbon.web.common import Page, Table, figure, plot
from transcarbon.web.job_words import failure

router = APIRouter()

RUNNERS = frozenset({"admin", "analyst", "department"})
"""Who may upload files for a ship run and record shore-power sessions (analysts and port/maritime staff)."""
CELL_COLOURS = ("#fde8c8", "#f9c27e", "#f08a4b", "#d4502a", "#9c2a1c")
"""Sequential classes of the map's cells (quantiles of CO2), light to dark."""
MAP_W = 760


def _forbidden(page: Page) -> Response:
    return page.render(
        "error.html",
        {"title": page.t("web.forbidden.title"), "message": page.t("web.forbidden.text", role=page.principal.role)},
        status=403,
    )


def _csrf_error(page: Page) -> Response:
    return page.render(
        "error.html", {"title": page.t("web.csrf.title"), "message": page.t("web.csrf.text")}, status=403
    )


# --------------------------------------------------------------------------- the map


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def port_map(page: Page, geo: dict[str, Any] | None, cells: list[dict[str, Any]], zone_co2: dict[str, float]) -> Markup:
    """The port as inline SVG: port areas and anchorages outlined, berths filled (green with shore power), grid
    cells coloured by CO2 in five quantile classes, each shape titled in words (hover or screen reader)."""
    feats = [f for f in (geo or {}).get("features", []) if (f.get("properties") or {}).get("kind") != "eca"]
    pts = [p for f in feats for ring in _rings(f.get("geometry") or {}) for p in ring]
    if not pts:
        return Markup("")
    pad = 0.02
    x0, x1 = min(p[0] for p in pts) - pad, max(p[0] for p in pts) + pad
    y0, y1 = min(p[1] for p in pts) - pad, max(p[1] for p in pts) + pad
    kx = math.cos(math.radians((y0 + y1) / 2))
    scale = MAP_W / ((x1 - x0) * kx)
    height = (y1 - y0) * scale

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - x0) * kx * scale, (y1 - lat) * scale

    def path(ring: list[list[float]]) -> str:
        return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (xy(p[0], p[1]) for p in ring)) + "Z"

    shown = [c for c in cells if x0 <= c["lon"] <= x1 and y0 <= c["lat"] <= y1 and c["co2_t"] > 0]
    values = sorted(c["co2_t"] for c in shown)
    breaks = [values[min(len(values) - 1, int(len(values) * q / 5))] for q in range(1, 5)] if values else []
    parts = [
        f'<svg class="port-map" viewBox="0 0 {MAP_W} {height:.0f}" role="img" '
        f'aria-labelledby="port-map-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="port-map-title">{escape(page.t("ships.map.title"))}</title>',
        f'<rect width="{MAP_W}" height="{height:.0f}" fill="#eef4f8"/>',
    ]
    size = 0.01  # the runs' map grid: deg:0.01
    for c in shown:
        cls = sum(c["co2_t"] > b for b in breaks)
        cx, cy = xy(c["lon"] - size / 2, c["lat"] + size / 2)
        w = size * kx * scale
        parts.append(
            f'<rect class="cell" x="{cx:.1f}" y="{cy:.1f}" width="{w:.1f}" height="{size * scale:.1f}" '
            f'fill="{CELL_COLOURS[cls]}" fill-opacity="0.85"><title>'
            f"{escape(page.t('ships.map.cell', co2=format_number(c['co2_t'], 1), hours=format_number(c['hours'], 0)))}"
            "</title></rect>"
        )
    order = {"port_area": 0, "anchorage": 1, "berth": 2}
    for f in sorted(feats, key=lambda f: order.get(f["properties"].get("kind"), 3)):
        props = f["properties"]
        kind = props.get("kind")
        zid = str(props.get("berth_id") or props.get("name") or "")
        label = zone_label(zid, kind, page.lang)
        co2 = zone_co2.get(zid)
        title = label + (f" · CO2 {format_number(co2, 1)} t" if co2 is not None else "")
        if kind == "berth":
            has = bool(props.get("has_shore_power"))
            title += " · " + page.t("ships.map.shore" if has else "ships.map.no_shore")
            style = f'fill="{"#2e8b57" if has else "#7d8791"}" stroke="#1d1d1d" stroke-width="0.6"'
        elif kind == "anchorage":
            style = 'fill="none" stroke="#1f6f8b" stroke-width="1.5" stroke-dasharray="5 3"'
        else:
            style = 'fill="none" stroke="#4d4d4d" stroke-width="1.2"'
        for ring in _rings(f["geometry"]):
            parts.append(
                f'<path class="zone zone-{escape(kind)}" d="{path(ring)}" {style}><title>{escape(title)}</title></path>'
            )
        if kind in ("port_area", "anchorage"):
            lx, ly = xy(min(p[0] for p in _rings(f["geometry"])[0]), max(p[1] for p in _rings(f["geometry"])[0]))
            parts.append(f'<text x="{lx + 3:.1f}" y="{ly + 14:.1f}" class="map-label">{escape(label)}</text>')
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="swatch" style="background:{col}"></span>{escape(txt)}</li>'
        for col, txt in [
            *[(CELL_COLOURS[i], page.t("ships.map.class", n=i + 1)) for i in range(len(CELL_COLOURS))],
            ("#2e8b57", page.t("ships.map.shore")),
            ("#7d8791", page.t("ships.map.no_shore")),
        ]
    )
    note = page.t("ships.map.note", shown=len(shown), total=len(cells))
    return Markup(
        f'<figure class="map-figure" data-testid="port-map">{"".join(parts)}'
        f'<figcaption><ul class="legend">{legend}</ul><p class="hint">{escape(note)}</p></figcaption></figure>'
    )


# --------------------------------------------------------------------------- the port page


def _multiple(page: Page) -> dict[str, Any] | None:
    """The plan's shore-power indicator (kWh used by ships at berth as a multiple of 2020) of the newest year."""
    y = shown_year(page, None)
    if y is None:
        return None
    row = next((r for r in evaluation_of(page, y)["indicators"] if r["id"] == "shore_power_use_multiple"), None)
    if row is None:
        return None
    return {
        "year": y,
        "value": row.get("value"),
        "light": row.get("light") or "grey",
        "name": page.name(row["name_zh"], row["name_en"]),
        "url": page.path("indicator", indicator_id=row["id"], query={"year": y}),
    }


def _tables(page: Page, s: dict[str, Any]) -> list[Table]:
    t, lang = page.t, page.lang
    pollutants = [("co2_t", "CO2 t"), ("nox_t", "NOx t"), ("sox_t", "SOx t"), ("pm25_t", "PM2.5 t")]
    modes = [
        {"mode": ship_name("mode", r["key"], lang), **r}
        for r in sorted(
            s["by_mode"],
            key=lambda r: (
                ("berth", "anchorage", "manoeuvring", "slow_cruise", "cruise").index(r["key"])
                if r["key"] in ("berth", "anchorage", "manoeuvring", "slow_cruise", "cruise")
                else 9
            ),
        )
    ]
    types = [{**r, "type": ship_name("type", r["ship_type"], lang)} for r in s["by_type"]]
    zones = [
        {**z, "zone": zone_label(z["key"], None, lang) if z["key"] != "outside" else ship_name("zone", "outside", lang)}
        for z in s["zones"]
    ]
    calls = [
        {
            **c,
            "arrival_local": lt(c["arrival"]),
            "berth": zone_label(c["berth_id"], "berth", lang) if c["berth_id"] else "—",
        }
        for c in s["calls"]
    ]
    sessions = [
        {
            **c,
            "arrival_local": lt(c["arrival"]),
            "berth": zone_label(c["berth_id"], "berth", lang) if c["berth_id"] else "—",
        }
        for c in s["sessions"]
    ]
    shore_cols = [
        ("connected_h", t("ships.col.connected_h")),
        ("shore_kwh_metered", t("ships.col.kwh_metered")),
        ("shore_kwh_modelled", t("ships.col.kwh_modelled")),
        ("shore_kwh", t("ships.col.kwh_counted")),
        ("avoided_co2_gross_t", t("ships.col.gross")),
        ("grid_co2_t", t("ships.col.grid")),
        ("avoided_co2_net_t", t("ships.col.net")),
    ]
    num = frozenset({"fuel_t", "co2_t", "nox_t", "sox_t", "pm25_t", "ships", "berth_h", *[k for k, _ in shore_cols]})
    return [
        Table("by_mode", [("mode", t("ships.col.mode")), ("fuel_t", t("ships.col.fuel_t")), *pollutants], modes, num),
        Table(
            "by_type",
            [
                ("type", t("ships.col.type")),
                ("ships", t("ships.col.ships")),
                ("fuel_t", t("ships.col.fuel_t")),
                ("co2_t", "CO2 t"),
                ("nox_t", "NOx t"),
            ],
            types,
            num,
        ),
        Table("zones", [("zone", t("ships.col.zone")), *pollutants], zones, num),
        Table(
            "calls",
            [
                ("ship_name", t("ships.col.ship")),
                ("berth", t("ships.col.berth")),
                ("arrival_local", t("ships.col.arrival")),
                ("berth_h", t("ships.col.berth_h")),
                *pollutants[:2],
                ("connected_h", t("ships.col.connected_h")),
            ],
            calls,
            num,
        ),
        Table(
            "sessions",
            [
                ("ship_name", t("ships.col.ship")),
                ("berth", t("ships.col.berth")),
                ("arrival_local", t("ships.col.arrival")),
                *shore_cols,
            ],
            sessions,
            num,
        ),
    ]


def _mode_chart(page: Page, s: dict[str, Any]) -> Markup:
    rows = [r for r in s["by_mode"] if r["co2_t"]]
    fig = figure(
        [
            {
                "type": "bar",
                "x": [ship_name("mode", r["key"], page.lang) for r in rows],
                "y": [r["co2_t"] for r in rows],
                "marker": {"color": "#1f6f8b"},
                "hovertemplate": "%{x}: %{y:,.1f} t<extra></extra>",
            }
        ],
        {"yaxis": {"title": {"text": page.t("ships.chart.co2_t")}, "rangemode": "tozero"}, "showlegend": False},
    )
    return plot(fig, page.t("ships.chart.by_mode"), 300)


@router.get("/ships", name="web.ships")
def ships_page(page: Page, run: int | None = None, job: int | None = None, error: str | None = None) -> Response:
    if (denied := page.guard("ships")) is not None:
        return denied
    runs = ship_runs(page.session)
    jobs = ship_jobs.jobs(page.session)
    job_rows = [
        {
            "id": j.id,
            "state": ship_name("job", j.state, page.lang),
            "state_code": j.state,
            "progress": f"{j.done}/{j.total}" if j.total else "—",
            "files": page.join([str(dict(f)["name"]) for f in j.payload["files"].values() if isinstance(f, dict)]),
            "run_id": j.result.get("run_id"),
            "failure": failure(page, j),
            "created": lt(j.created_at),
        }
        for j in jobs
    ]
    busy = any(j.state in ("queued", "running") for j in jobs)
    ctx: dict[str, Any] = {
        "runs": [{**r, "when": lt(r["finished_at"])} for r in runs],
        "jobs": job_rows,
        "busy": busy,
        "may_run": page.principal.role in RUNNERS,
        "error": error,
        "job": job,
    }
    if not runs:
        return page.render("ships.html", {**ctx, "s": None})
    ids = [int(r["id"]) for r in runs]
    run_id = run if run is not None and run in ids else ids[0]
    s = port_summary(page.session, run_id)
    assert s is not None  # a listed run
    zone_co2 = {z["key"]: z["co2_t"] for z in s["zones"]}
    tables = _tables(page, s)
    ctx.update(
        s=s,
        run_id=run_id,
        total=s["total"] or {},
        multiple=_multiple(page),
        map=port_map(page, zones_geojson(page.city.zones_path), s["cells"], zone_co2),
        mode_chart=_mode_chart(page, s),
        period=f"{s['run']['first_day']} – {s['run']['last_day']}",
        supervision=sp.supervision(page.session, page.city, run_id),
    )
    return page.render("ships.html", ctx, tables=tables)


@router.post("/ships/upload", name="web.ships_upload")
def ships_upload(
    page: Page,
    ais: Annotated[UploadFile, File()],
    ships: Annotated[UploadFile | None, File()] = None,
    shore_power: Annotated[UploadFile | None, File()] = None,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    if (denied := page.guard("ships")) is not None:
        return denied
    if page.principal.role not in RUNNERS:
        return _forbidden(page)
    if not page.csrf_ok(csrf):
        return _csrf_error(page)
    limit = int(page.state.settings.max_upload_mb * 1024 * 1024)
    files: dict[str, tuple[str, bytes]] = {}
    for role, up in (("ais", ais), ("ships", ships), ("shore_power", shore_power)):
        if up is None or not up.filename:
            continue
        data = up.file.read(limit + 1)
        if len(data) > limit:
            mb = f"{page.state.settings.max_upload_mb:g}"
            return RedirectResponse(
                page.path(
                    "ships",
                    query={"error": page.t("upload.too_large", file=up.filename, size_mb=f"> {mb}", limit_mb=mb)},
                ),
                status_code=303,
            )
        if data:
            files[role] = (up.filename, data)
    if "ais" not in files:
        return RedirectResponse(page.path("ships", query={"error": page.t("ships.upload.no_ais")}), status_code=303)
    page.session.rollback()  # end the page's read before the job writes
    job_id = ship_jobs.start(
        page.state.factory,
        page.state.settings.data_dir,
        files,
        actor=page.principal.username,
        city=page.state.settings.city,
    )
    job_worker.kick(page.state.factory, job_options(page.state))
    return RedirectResponse(page.path("ships", query={"job": job_id}) + "#jobs", status_code=303)


# --------------------------------------------------------------------------- supervision


def _parse_local(value: str) -> datetime | None:
    """A ``datetime-local`` field (the city's time) as an aware datetime; empty → None."""
    value = value.strip()
    if not value:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def _local_input(value: datetime | str | None) -> str:
    return "" if value is None else lt(value).replace(" ", "T")


@router.get("/ships/supervision", name="web.ships_supervision")
def supervision_page(
    page: Page,
    done: str | None = None,
    error: str | None = None,
    berth: str | None = None,
    mmsi: int | None = None,
    arrival: str | None = None,
    departure: str | None = None,
    name: str | None = None,
) -> Response:
    if (denied := page.guard("ships_supervision")) is not None:
        return denied
    lang = page.lang
    sup = sp.supervision(page.session, page.city)
    stays = [
        {
            **r,
            "ship": r["name"] or str(r["mmsi"]),
            "type": ship_name("type", r["ship_type"], lang),
            "berth": zone_label(r["berth_id"], "berth", lang),
            "arrival_local": lt(r["arrival"]),
            "departure_local": lt(r["departure"]),
            "capable": page.t("ships.yes" if r["shore_power_capable"] else "ships.no"),
            "covered_h": (r["connected_h"] or 0.0) + r["recorded_h"],
            "outcome": page.t(
                "ships.sup.warning" if r["warning"] else "ships.sup.explained" if r["explained"] else "ships.sup.ok"
            ),
            "record_url": page.path(
                "ships_supervision",
                query={
                    "berth": r["berth_id"],
                    "mmsi": r["mmsi"],
                    "arrival": _local_input(r["arrival"]),
                    "departure": _local_input(r["departure"]),
                    "name": r["name"] or "",
                },
            )
            + "#declare",
        }
        for r in sup["stays"]
        if r["shore_power_capable"]
    ]
    recs = sp.records(page.session)
    rec_rows = [
        {
            "id": r.id,
            "ship": r.ship_name,
            "mmsi": r.mmsi,
            "berth": zone_label(r.berth_id, "berth", lang),
            "arrival": lt(r.berth_arrival),
            "departure": lt(r.berth_departure),
            "connected": page.t("ships.yes" if r.connected else "ships.no"),
            "connect": lt(r.connect_time),
            "disconnect": lt(r.disconnect_time),
            "kwh": r.kwh,
            "fault_or_reason": (ship_name("reason", r.not_connected_reason, lang) if r.not_connected_reason else "")
            + (f"（{r.reason_note}）" if r.reason_note else "")
            + (r.fault or ""),
            "ship_party": r.ship_party,
            "terminal_party": r.terminal_party or "—",
            "state": ship_name("state", r.state, lang),
            "state_code": r.state,
            "declared_by": r.declared_by,
            "keep_until": r.keep_until.isoformat(),
        }
        for r in recs
    ]
    t = page.t
    stay_table = Table(
        "supervision",
        [
            ("outcome", t("ships.col.outcome")),
            ("ship", t("ships.col.ship")),
            ("type", t("ships.col.type")),
            ("berth", t("ships.col.berth")),
            ("arrival_local", t("ships.col.arrival")),
            ("departure_local", t("ships.col.departure")),
            ("berth_h", t("ships.col.berth_h")),
            ("covered_h", t("ships.col.connected_h")),
        ],
        stays,
        frozenset({"berth_h", "covered_h"}),
    )
    record_table = Table(
        "records",
        [
            ("id", t("ships.col.record")),
            ("ship", t("ships.col.ship")),
            ("berth", t("ships.col.berth")),
            ("arrival", t("ships.col.arrival")),
            ("departure", t("ships.col.departure")),
            ("connected", t("ships.col.connected")),
            ("connect", t("ships.col.connect")),
            ("disconnect", t("ships.col.disconnect")),
            ("kwh", t("ships.col.kwh")),
            ("fault_or_reason", t("ships.col.fault_or_reason")),
            ("ship_party", t("ships.col.ship_party")),
            ("terminal_party", t("ships.col.terminal_party")),
            ("state", t("ships.col.state")),
            ("keep_until", t("ships.col.keep_until")),
        ],
        rec_rows,
        frozenset({"kwh"}),
    )
    berths = sp.shore_power_berths(page.city)
    ctx = {
        "sup": sup,
        "stays": stays,
        "records": rec_rows,
        "may_record": page.principal.role in RUNNERS,
        "me": page.principal.username,
        "done": done,
        "error": error,
        "berths": [(b, zone_label(b, "berth", lang)) for b, has in sorted(berths.items()) if has],
        "reasons": [(r, ship_name("reason", r, lang)) for r in sp.NOT_CONNECTED_REASONS],
        "prefill": {"berth": berth, "mmsi": mmsi, "arrival": arrival, "departure": departure, "name": name},
        "retention_years": page.city.shore_power_supervision.retention_years,
    }
    return page.render("ships_supervision.html", ctx, tables=[stay_table, record_table])


def _back(page: Page, **query: object) -> Response:
    return RedirectResponse(page.path("ships_supervision", query=query) + "#records", status_code=303)


def _refused(page: Page, exc: sp.ShorePowerRefused) -> Response:
    return _back(page, error=page.t(exc.key, **exc.values))


@router.post("/ships/records", name="web.ships_declare")
def ships_declare(
    page: Page,
    berth_id: Annotated[str, Form(max_length=80)],
    mmsi: Annotated[int, Form(ge=0, le=999_999_999)],
    ship_name_: Annotated[str, Form(alias="ship_name", max_length=120)],
    berth_arrival: Annotated[str, Form(max_length=20)],
    ship_party: Annotated[str, Form(max_length=120)],
    connected: Annotated[str, Form(max_length=5)] = "",
    berth_departure: Annotated[str, Form(max_length=20)] = "",
    connect_time: Annotated[str, Form(max_length=20)] = "",
    disconnect_time: Annotated[str, Form(max_length=20)] = "",
    kwh: Annotated[str, Form(max_length=20)] = "",
    fault: Annotated[str, Form(max_length=2000)] = "",
    not_connected_reason: Annotated[str, Form(max_length=30)] = "",
    reason_note: Annotated[str, Form(max_length=2000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    if (denied := page.guard("ships_supervision")) is not None:
        return denied
    if page.principal.role not in RUNNERS:
        return _forbidden(page)
    if not page.csrf_ok(csrf):
        return _csrf_error(page)
    try:
        arrival = _parse_local(berth_arrival)
        kwh_value = float(kwh) if kwh.strip() else None
        if arrival is None:
            raise sp.ShorePowerRefused("sp.err.departure")
        d = sp.Declaration(
            berth_id=berth_id,
            mmsi=mmsi,
            ship_name=ship_name_,
            berth_arrival=arrival,
            berth_departure=_parse_local(berth_departure),
            connected=connected == "yes",
            connect_time=_parse_local(connect_time),
            disconnect_time=_parse_local(disconnect_time),
            kwh=kwh_value,
            fault=fault,
            not_connected_reason=not_connected_reason or None,
            reason_note=reason_note,
            ship_party=ship_party,
        )
    except ValueError as exc:
        if isinstance(exc, sp.ShorePowerRefused):
            return _refused(page, exc)
        return _back(page, error=page.t("ships.err.form"))
    page.session.rollback()
    try:
        with transaction(page.state.factory) as session:
            rec = sp.declare(session, page.city, d, actor=page.principal.username)
            rec_id = rec.id
    except sp.ShorePowerRefused as exc:
        return _refused(page, exc)
    return _back(page, done=page.t("ships.done.declared", id=rec_id))


@router.post("/ships/records/{record_id}/confirm", name="web.ships_confirm")
def ships_confirm(
    page: Page,
    record_id: int,
    terminal_party: Annotated[str, Form(max_length=120)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    if (denied := page.guard("ships_supervision")) is not None:
        return denied
    if page.principal.role not in RUNNERS:
        return _forbidden(page)
    if not page.csrf_ok(csrf):
        return _csrf_error(page)
    page.session.rollback()
    try:
        with transaction(page.state.factory) as session:
            sp.confirm(session, record_id, actor=page.principal.username, terminal_party=terminal_party)
    except sp.ShorePowerRefused as exc:
        return _refused(page, exc)
    return _back(page, done=page.t("ships.done.confirmed", id=record_id))
