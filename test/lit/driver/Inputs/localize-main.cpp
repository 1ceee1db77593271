// Calls the two localized "extensions" of localize-comdat.test in turn.
#include <cstdio>

extern "C" int init_one(), init_two();

int main() {
    int one = init_one();
    std::printf("%d %d\n", one, init_two());
}
