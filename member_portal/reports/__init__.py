"""Match reports sent by members."""
