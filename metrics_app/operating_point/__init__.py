"""The operating-point page: costs, constraints, base rate, intervals, comparison, cards."""
