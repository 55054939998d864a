"""Green-trip carbon credits (碳普惠), one package of use cases:

- :mod:`.common`: the city's methodology, pseudonyms, accounts, errors;
- :mod:`.ledger`: the double-entry, append-only, keyed hash-chained ledger (``services/chain.py``): serialised
  appends, verification of the chain and of every balance, statements;
- :mod:`.partners`: partner apps, their keys and signed requests;
- :mod:`.intake`: trips (idempotent, anti-fraud rules, crediting), consents, fare-card records and matching;
- :mod:`.review`: explanations, appeals, the review queue, decisions and reversals;
- :mod:`.wallet`: the catalogue, redemption, donation, expiry;
- :mod:`.privacy`: deletion of a user's personal data, retention;
- :mod:`.views`: what the public page, the cockpit and the admin page show.

See ``docs/credits.md``.
"""
