"""The synthetic organisations of the Lianyungang demo: 54 enterprises across every sub-sector and 10
bureau departments (64 in all), each clearly labelled synthetic (（示例） / "(synthetic)").

Codes are stable (``LYG-<GROUP>-NNN``) so that tests, fixtures and screenshots can name them. The
names describe a role ("container terminal of the 连云港区 port area"), not a real company; where a
public body is the natural owner of a report (the maritime administration for the ship register,
public security for vehicle registrations) the department is used.

Districts are the city's six county-level units (docs/sources/lianyungang.md [V]): haizhou 海州区, lianyun 连云区
(incl. the development zone and 徐圩新区), ganyu 赣榆区, donghai 东海县, guanyun 灌云县, guannan 灌南县.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transcarbon.domain import Sector

DISTRICTS: tuple[str, ...] = ("haizhou", "lianyun", "ganyu", "donghai", "guanyun", "guannan")

#: Port areas (港区) of the Port of Lianyungang (docs/sources/lianyungang.md [V]).
PORT_AREAS: dict[str, str] = {
    "lianyungang": "连云港区",
    "ganyu": "赣榆港区",
    "xuwei": "徐圩港区",
    "guanhe": "灌河港区",
}


@dataclass(frozen=True)
class Org:
    """One synthetic organisation."""

    org_id: str
    name_zh: str
    name_en: str
    kind: str  # enterprise | department
    sector: Sector | None
    district: str


def _e(org_id: str, zh: str, en: str, sector: Sector, district: str) -> Org:
    return Org(org_id, f"（示例）{zh}", f"(synthetic) {en}", "enterprise", sector, district)


def _d(org_id: str, zh: str, en: str, district: str = "haizhou") -> Org:
    return Org(org_id, f"（示例）{zh}", f"(synthetic) {en}", "department", None, district)


S = Sector
ORGANISATIONS: tuple[Org, ...] = (
    # Bureau departments (lead departments named in INDICATORS.md).
    _d("LYG-GOV-001", "市交通运输局", "Municipal Transport Bureau"),
    _d("LYG-GOV-002", "市发展和改革委员会", "Municipal Development and Reform Commission"),
    _d("LYG-GOV-003", "市工业和信息化局", "Municipal Bureau of Industry and Information Technology"),
    _d("LYG-GOV-004", "市公安局交通警察支队", "Municipal Public Security Bureau, Traffic Police"),
    _d("LYG-GOV-005", "市生态环境局", "Municipal Ecology and Environment Bureau"),
    _d("LYG-GOV-006", "市住房和城乡建设局", "Municipal Housing and Urban-Rural Development Bureau"),
    _d("LYG-GOV-007", "连云港海事局", "Lianyungang Maritime Safety Administration", "lianyun"),
    _d("LYG-GOV-008", "市机关事务管理局", "Municipal Government Offices Administration"),
    _d("LYG-GOV-009", "市城市管理局", "Municipal Urban Management Bureau"),
    _d("LYG-GOV-010", "市邮政管理局", "Municipal Postal Administration"),
    # Port (港口): the holding group, nine terminal companies across the four port areas, a tug fleet.
    _e("LYG-PORT-001", "连云港港口控股集团", "Lianyungang port holding group", S.PORT, "lianyun"),
    _e("LYG-PORT-002", "连云港区集装箱码头公司", "Lianyungang-area container terminal company", S.PORT, "lianyun"),
    _e("LYG-PORT-003", "连云港区矿石码头公司", "Lianyungang-area iron-ore terminal company", S.PORT, "lianyun"),
    _e("LYG-PORT-004", "连云港区煤炭码头公司", "Lianyungang-area coal terminal company", S.PORT, "lianyun"),
    _e(
        "LYG-PORT-005",
        "连云港区通用及滚装码头公司",
        "Lianyungang-area general cargo and ro-ro terminal company",
        S.PORT,
        "lianyun",
    ),
    _e(
        "LYG-PORT-006",
        "连云港区粮食散杂货码头公司",
        "Lianyungang-area grain and break-bulk terminal company",
        S.PORT,
        "lianyun",
    ),
    _e("LYG-PORT-007", "赣榆港区散货码头公司", "Ganyu-area dry-bulk terminal company", S.PORT, "ganyu"),
    _e("LYG-PORT-008", "赣榆港区通用码头公司", "Ganyu-area general cargo terminal company", S.PORT, "ganyu"),
    _e("LYG-PORT-009", "徐圩港区液体散货码头公司", "Xuwei-area liquid-bulk terminal company", S.PORT, "lianyun"),
    _e("LYG-PORT-010", "徐圩港区散货码头公司", "Xuwei-area dry-bulk terminal company", S.PORT, "lianyun"),
    _e("LYG-PORT-011", "灌河港区燕尾港码头公司", "Guanhe-area (Yanwei) terminal company", S.PORT, "guanyun"),
    _e("LYG-PORT-012", "港作拖轮公司", "Harbour tug company", S.PORT, "lianyun"),
    # Urban bus (城市公交): the city bus group and four county/district operators.
    _e("LYG-BUS-001", "市公交集团", "City bus group", S.URBAN_BUS, "haizhou"),
    _e("LYG-BUS-002", "赣榆区公交公司", "Ganyu district bus company", S.URBAN_BUS, "ganyu"),
    _e("LYG-BUS-003", "东海县公交公司", "Donghai county bus company", S.URBAN_BUS, "donghai"),
    _e("LYG-BUS-004", "灌云县公交公司", "Guanyun county bus company", S.URBAN_BUS, "guanyun"),
    _e("LYG-BUS-005", "灌南县公交公司", "Guannan county bus company", S.URBAN_BUS, "guannan"),
    # Taxi (出租汽车).
    _e("LYG-TAXI-001", "海州第一出租汽车公司", "Haizhou taxi company no. 1", S.TAXI, "haizhou"),
    _e("LYG-TAXI-002", "海州第二出租汽车公司", "Haizhou taxi company no. 2", S.TAXI, "haizhou"),
    _e("LYG-TAXI-003", "连云区出租汽车公司", "Lianyun taxi company", S.TAXI, "lianyun"),
    _e("LYG-TAXI-004", "赣榆区出租汽车公司", "Ganyu taxi company", S.TAXI, "ganyu"),
    _e("LYG-TAXI-005", "东海县出租汽车公司", "Donghai taxi company", S.TAXI, "donghai"),
    _e("LYG-TAXI-006", "灌云灌南出租汽车公司", "Guanyun-Guannan taxi company", S.TAXI, "guanyun"),
    # Road freight (道路货运): port short-haul fleets, muck trucks, long-haul and urban delivery fleets.
    _e("LYG-FRT-001", "港口集装箱集卡车队", "Port container-truck fleet", S.ROAD_FREIGHT, "lianyun"),
    _e("LYG-FRT-002", "港口散货短驳车队", "Port bulk short-haul truck fleet", S.ROAD_FREIGHT, "lianyun"),
    _e("LYG-FRT-003", "渣土建材运输公司", "Muck and building-material haulier", S.ROAD_FREIGHT, "haizhou"),
    _e(
        "LYG-FRT-004",
        "徐圩石化钢铁物流公司",
        "Xuwei petrochemical and steel logistics company",
        S.ROAD_FREIGHT,
        "lianyun",
    ),
    _e("LYG-FRT-005", "冷链物流公司", "Cold-chain logistics company", S.ROAD_FREIGHT, "haizhou"),
    _e("LYG-FRT-006", "城市配送与快递公司", "Urban delivery and parcel company", S.ROAD_FREIGHT, "haizhou"),
    _e("LYG-FRT-007", "赣榆综合物流公司", "Ganyu general logistics company", S.ROAD_FREIGHT, "ganyu"),
    _e(
        "LYG-FRT-008",
        "东海农产品与硅材料物流公司",
        "Donghai agri-produce and silica logistics company",
        S.ROAD_FREIGHT,
        "donghai",
    ),
    _e("LYG-FRT-009", "灌云化工物流公司", "Guanyun chemical logistics company", S.ROAD_FREIGHT, "guanyun"),
    _e("LYG-FRT-010", "灌南综合物流公司", "Guannan general logistics company", S.ROAD_FREIGHT, "guannan"),
    # Road passenger (道路客运).
    _e("LYG-COACH-001", "市汽车客运公司", "City coach company", S.ROAD_PASSENGER, "haizhou"),
    _e("LYG-COACH-002", "赣榆汽车客运公司", "Ganyu coach company", S.ROAD_PASSENGER, "ganyu"),
    _e("LYG-COACH-003", "东海汽车客运公司", "Donghai coach company", S.ROAD_PASSENGER, "donghai"),
    _e("LYG-COACH-004", "旅游包车客运公司", "Tourist charter coach company", S.ROAD_PASSENGER, "haizhou"),
    # Waterway freight (水路货运).
    _e("LYG-SHIP-001", "沿海散货航运公司", "Coastal dry-bulk shipping company", S.WATERWAY_FREIGHT, "lianyun"),
    _e(
        "LYG-SHIP-002", "第二沿海散货航运公司", "Coastal dry-bulk shipping company no. 2", S.WATERWAY_FREIGHT, "haizhou"
    ),
    _e("LYG-SHIP-003", "内贸集装箱航运公司", "Domestic container shipping company", S.WATERWAY_FREIGHT, "lianyun"),
    _e("LYG-SHIP-004", "海河联运驳船公司", "Sea-river barge company", S.WATERWAY_FREIGHT, "guannan"),
    _e("LYG-SHIP-005", "内河航运公司", "Inland-waterway shipping company", S.WATERWAY_FREIGHT, "donghai"),
    _e("LYG-SHIP-006", "化工品船运公司", "Chemical tanker company", S.WATERWAY_FREIGHT, "lianyun"),
    # Waterway passenger (水路客运).
    _e("LYG-FERRY-001", "海上旅游客运公司", "Coastal sightseeing boat company", S.WATERWAY_PASSENGER, "lianyun"),
    _e("LYG-FERRY-002", "城市内河游船公司", "City river cruise company", S.WATERWAY_PASSENGER, "haizhou"),
    # Rail (铁路).
    _e("LYG-RAIL-001", "铁路连云港货运中心", "Lianyungang rail freight centre", S.RAIL, "lianyun"),
    _e("LYG-RAIL-002", "铁路连云港客运站段", "Lianyungang rail passenger stations", S.RAIL, "haizhou"),
    # Civil aviation (民航).
    _e("LYG-AIR-001", "花果山机场公司", "Huaguoshan airport company", S.CIVIL_AVIATION, "guanyun"),
    _e("LYG-AIR-002", "航空公司连云港基地", "Airline Lianyungang base (domestic)", S.CIVIL_AVIATION, "guanyun"),
    _e("LYG-AIR-003", "国际航线航空公司", "International-route airline", S.CIVIL_AVIATION, "guanyun"),
    # Other (其他): public-service fleets and transport facilities.
    _e("LYG-OTH-001", "公务用车服务中心", "Official vehicle service centre", S.OTHER, "haizhou"),
    _e("LYG-OTH-002", "环卫车辆服务公司", "Sanitation vehicle company", S.OTHER, "haizhou"),
    _e("LYG-OTH-003", "机动车驾驶培训公司", "Driving school", S.OTHER, "donghai"),
    _e("LYG-OTH-004", "交通场站与服务区运营公司", "Transport stations and service-area operator", S.OTHER, "lianyun"),
)

ORG_BY_ID: dict[str, Org] = {o.org_id: o for o in ORGANISATIONS}

ORGANISATION_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "org_id": pl.String,
    "name_zh": pl.String,
    "name_en": pl.String,
    "kind": pl.String,
    "sector": pl.String,
    "district": pl.String,
    "synthetic": pl.Boolean,
}


def organisations_frame() -> pl.DataFrame:
    """The organisations as a frame (one row each, ``synthetic`` always true)."""
    return pl.DataFrame(
        {
            "org_id": [o.org_id for o in ORGANISATIONS],
            "name_zh": [o.name_zh for o in ORGANISATIONS],
            "name_en": [o.name_en for o in ORGANISATIONS],
            "kind": [o.kind for o in ORGANISATIONS],
            "sector": [None if o.sector is None else o.sector.value for o in ORGANISATIONS],
            "district": [o.district for o in ORGANISATIONS],
            "synthetic": [True] * len(ORGANISATIONS),
        },
        schema=ORGANISATION_SCHEMA,
    )
