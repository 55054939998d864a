"""Shared data for the evaluation tests (the demo database they run on is the ``demo_db_url`` fixture)."""

from __future__ import annotations

# Every id of shared/plan/INDICATORS.md, in the table's order.
INDICATOR_IDS = (
    "new_energy_vehicle_share_new", "converted_turnover_co2_intensity", "land_transport_oil_peak",
    "direct_emission_growth_slowing", "low_carbon_transport_structure", "nev_sales_share", "public_service_ev_share",
    "new_energy_bus_share", "short_haul_heavy_truck_nev_share", "inland_berth_shore_power_done",
    "ship_shore_power_retrofit_600gt", "shore_power_use_multiple", "airport_electric_ground_equipment_share",
    "repair_emission_systems_linked", "truck_co2_intensity", "ship_co2_intensity", "inland_ship_green_smart_tech",
    "rail_water_bulk_share", "port_rail_access_rate", "port_collection_system_formed", "container_multimodal_growth",
    "inland_container_routes_four_provinces", "public_transport_mode_share", "green_travel_share_core",
    "bus_stop_500m_coverage", "hsr_in_national_plan", "rail_passenger_system_built", "infrastructure_greening",
    "port_container_truck_clean_share", "port_park_equipment_clean_replaced", "old_nonroad_machinery_phaseout",
    "apu_substitute_install_rate", "apu_substitute_use_rate", "service_area_charging", "near_zero_carbon_projects",
)

