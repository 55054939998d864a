"""Road transport use cases, one module per concern:

- :mod:`.registry`: the registered fleet, kilometres, energy economy and fuel sales from approved report rows;
- :mod:`.fleet_model`: survival curves of the stock model (for the demo and the scenarios);
- :mod:`.inventory`: the bottom-up inventory of a year as a stored run with lineage, and its reads;
- :mod:`.reconciliation`: bottom-up against reported fuel per fleet, fuel sales, the official figure per sector;
- :mod:`.tracks`: trajectory and bus-schedule (GTFS) runs computed by the road engine, stored, and read for maps;
- :mod:`.views`: the road figures as the road page and the road API show them.
"""
