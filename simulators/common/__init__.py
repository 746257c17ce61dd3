"""Pieces every fake shares: TLS, clock, seeded ids, journal, fault rules, server runner, admin API."""
