// What this process runs, decided once from the AppConfig and argv before
// Python exists.
#pragma once

#include "oxrt/interpreter.h"

namespace oxrt {

// True if argv is one of the command lines multiprocessing starts
// sys.executable with: anything holding --multiprocessing-fork (spawn), or
// interpreter flags followed by `-c "from multiprocessing.…"` (the resource
// tracker and the forkserver, which pass no marker). Such a child must act as
// python3, whatever the configured entry.
bool isMultiprocessingChild(int argc, char **argv);

// The configured entry, or what a multiprocessing child must run: Python
// for command lines made for python3, multiprocessing.spawn:freeze_support
// for `<exe> --multiprocessing-fork ...` (spawn with sys.frozen set).
Entry effectiveEntry(const Entry &configured, int argc, char **argv);

} // namespace oxrt
