"""A Lumu Defender API emulator for tests: incidents, contexts, key auth, paging, rate limits, faults."""
