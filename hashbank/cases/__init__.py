"""Cases: a person's submission and its hold on signals."""
