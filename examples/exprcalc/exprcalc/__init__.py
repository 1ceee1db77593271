"""exprcalc: integer expressions, parsed with ply, gcd/lcm in C."""
