"""`make bench`: figures for the fakes, written to bench/results.json."""
