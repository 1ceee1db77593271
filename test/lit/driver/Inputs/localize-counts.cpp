// One C++ "extension" compiled with -fvisibility=hidden, twice
// (-DINIT=PyInit_one / PyInit_two): what `oxcc localize` must give each
// its own copy of, and what it must leave shared (localize-comdat.test).
#include <stdexcept>

// Hidden: a weak function in a COMDAT group (kept out of line), its static
// a GNU-unique one.
__attribute__((noinline)) inline int hidden_count() {
    static int n = 0;
    return ++n;
}

// Default visibility: its GNU-unique static is shared across .so files.
__attribute__((visibility("default"), noinline)) inline int shared_count() {
    static int n = 0;
    return ++n;
}

// Hidden vtable and typeinfo; its destructors in a group whose signature
// (_ZN5errorD5Ev) is a local symbol.
struct error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

extern "C" __attribute__((visibility("default"))) int INIT() {
    try {
        throw error("caught here");
    } catch (const error &) {
    }
    int hidden = hidden_count();
    return hidden * 10 + shared_count();
}
