"""Milestone evidence of the demo (【示例】 / "[synthetic]"): each plan milestone's responsible department,
status and date, as reported over the years."""

from __future__ import annotations

import polars as pl

_MILESTONES: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "repair_emission_systems_linked",
        "LYG-GOV-003",
        "in_progress",
        "2022-06-30",
        "汽车维修电子健康档案系统与排放检验系统对接方案印发",
        "plan for linking repair records and emission tests issued",
    ),
    (
        "repair_emission_systems_linked",
        "LYG-GOV-003",
        "done",
        "2024-09-30",
        "两系统完成数据对接并上线运行（I/M闭环）",
        "the two systems exchange data in production (I/M loop closed)",
    ),
    (
        "inland_container_routes_four_provinces",
        "LYG-GOV-001",
        "in_progress",
        "2021-12-31",
        "开通至江苏、山东内河港口集装箱航线",
        "container routes to inland ports of Jiangsu and Shandong opened",
    ),
    (
        "inland_container_routes_four_provinces",
        "LYG-GOV-001",
        "in_progress",
        "2023-06-30",
        "开通至河南内河港口集装箱航线",
        "container route to an inland port of Henan opened",
    ),
    (
        "inland_container_routes_four_provinces",
        "LYG-GOV-001",
        "in_progress",
        "2025-12-31",
        "至安徽内河港口航线仍在论证，2025年目标未完成",
        "route to Anhui still under study; the 2025 target is missed",
    ),
    (
        "hsr_in_national_plan",
        "LYG-GOV-002",
        "in_progress",
        "2021-03-31",
        "沿海高铁、连临高铁纳入省级规划并报送国家",
        "coastal and Lianyungang–Linyi HSR in the provincial plan and submitted",
    ),
    (
        "hsr_in_national_plan",
        "LYG-GOV-002",
        "done",
        "2023-11-30",
        "两条线路纳入国家级中长期铁路规划调整",
        "both lines included in the national rail plan revision",
    ),
    (
        "infrastructure_greening",
        "LYG-GOV-001",
        "in_progress",
        "2023-12-31",
        "新建交通工程全面执行绿色公路、绿色港口标准",
        "new transport works follow green road and green port standards",
    ),
    (
        "infrastructure_greening",
        "LYG-GOV-001",
        "done",
        "2025-10-31",
        "绿色交通基础设施评估报告通过验收",
        "assessment report on green transport infrastructure accepted",
    ),
    (
        "land_transport_oil_peak",
        "LYG-GOV-001",
        "in_progress",
        "2025-12-31",
        "陆路交通石油消费达峰路径研究完成，2030年前力争达峰",
        "study of the land-transport oil peak path completed",
    ),
    (
        "direct_emission_growth_slowing",
        "LYG-GOV-005",
        "in_progress",
        "2025-06-30",
        "交通直接碳排放年度增速监测报告",
        "annual monitoring report of direct transport emission growth",
    ),
    (
        "low_carbon_transport_structure",
        "LYG-GOV-001",
        "not_started",
        "2022-12-31",
        "运输结构调整方案编制中",
        "transport-structure adjustment plan being drafted",
    ),
    (
        "low_carbon_transport_structure",
        "LYG-GOV-001",
        "in_progress",
        "2024-12-31",
        "运输结构调整方案印发实施",
        "transport-structure adjustment plan issued",
    ),
    (
        "port_collection_system_formed",
        "LYG-PORT-001",
        "in_progress",
        "2024-06-30",
        "疏港铁路、疏港航道工程推进中",
        "port rail and waterway links under construction",
    ),
    (
        "port_park_equipment_clean_replaced",
        "LYG-PORT-001",
        "in_progress",
        "2025-09-30",
        "港区场内作业机械新能源替代约六成",
        "about 60% of port handling machinery switched to new energy",
    ),
    (
        "inland_ship_green_smart_tech",
        "LYG-GOV-007",
        "not_started",
        "2022-12-31",
        "内河船舶绿色智能技术推广方案待编制",
        "roll-out plan for green and smart inland-ship technology pending",
    ),
    (
        "inland_ship_green_smart_tech",
        "LYG-GOV-007",
        "in_progress",
        "2024-12-31",
        "首批内河电动、LNG船舶投入运营",
        "first electric and LNG inland ships in service",
    ),
    (
        "rail_passenger_system_built",
        "LYG-GOV-002",
        "in_progress",
        "2025-12-31",
        "连徐、连淮扬镇、青盐铁路运营，客运枢纽改造推进",
        "high-speed lines in service; passenger hub upgrade ongoing",
    ),
)


#: The near-zero-carbon demonstration projects submitted (cumulative count at each report).
_COUNTED: tuple[tuple[str, str, str, str, int, str, str], ...] = (
    (
        "near_zero_carbon_projects",
        "LYG-GOV-001",
        "in_progress",
        "2023-09-15",
        1,
        "连云港港近零碳码头示范项目申报省级近零碳示范区",
        "near-zero-carbon terminal project of the port submitted to the province",
    ),
    (
        "near_zero_carbon_projects",
        "LYG-GOV-001",
        "done",
        "2025-04-30",
        2,
        "徐圩新区绿色货运枢纽项目申报交通运输部近零碳示范，累计2个",
        "Xuwei green freight hub submitted to the ministry; two projects in all",
    ),
)


def milestones() -> pl.DataFrame:
    """One row per reported milestone status, evidence in Chinese and English, with a count where counted."""
    m = [(*r[:4], None, *r[4:]) for r in _MILESTONES] + list(_COUNTED)
    return pl.DataFrame(
        {
            "indicator_id": [r[0] for r in m],
            "org_id": [r[1] for r in m],
            "status": [r[2] for r in m],
            "date": [r[3] for r in m],
            "count": pl.Series([r[4] for r in m], dtype=pl.Int64),
            "evidence_zh": [f"【示例】{r[5]}" for r in m],
            "evidence_en": [f"[synthetic] {r[6]}" for r in m],
        }
    )
