int world(int x) { return x * 2; }
