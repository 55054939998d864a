"""Scenarios to 2035: the science of the city's scenario engine, vectorised over a leading axis of Monte Carlo draws.

- :mod:`.road_fleet`: vintaged road stock by class × powertrain, kilometres by age, energy by carrier with energy
  economy by model year, pollutants by model year (on :mod:`transcarbon.methods.fleet`);
- :mod:`.demand`: the ASIF modes and the structure levers (bulk cargo to rail and water, public transport);
- :mod:`.port`: port handling with electrification, shore power, aircraft APU substitutes;
- :mod:`.carbon`: carriers → land-transport oil, direct CO2, grid-electricity CO2 along a factor path;
- :mod:`.indicators`: shares, falls against the base year, growth, the peak year, P(meet);
- :mod:`.engine`: one run of the city (all blocks together) and the join of chunks of draws;
- :mod:`.uncertainty`: declared distributions, correlated sampling, percentiles, chunked Monte Carlo;
- :mod:`.sensitivity`: Sobol indices (SALib) of the outputs to the uncertain inputs;
- :mod:`.calibration`: survival, base stock and kilometres fitted to registrations and fuel by least squares with
  bounds, trends of the demand modes, and the reproduction check of the observed years.
"""
