"""Monthly energy and activity of each synthetic enterprise, sector by sector.

Each builder returns :class:`OrgSeries` (72-month arrays per fuel and per activity column) and, where a
report type needs them, tidy frames (port throughput, shore power, ridership). Magnitudes are anchored
on the public figures in ``docs/sources/lianyungang.md`` ([V] read, [D] derived, [R] recalled) and,
where the city publishes nothing, on typical values stated next to each table (marked *assumed*).

Annual totals are set first and spread over months with :func:`seasons.spread_annual` (so a year's
sum is exactly the figure chosen), then each organisation gets small multiplicative noise.

One module per sector group: :mod:`.port_waterway`, :mod:`.road_passenger` (buses, taxis, coaches,
ridership), :mod:`.road_freight`, :mod:`.rail_aviation_other`; :mod:`.series` holds what they share.
"""
