int hello(int x) { return x + 1; }
