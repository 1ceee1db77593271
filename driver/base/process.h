// Running other programs: become them, run and wait, or capture stdout.
#pragma once

#include "base/invocation.h"

#include <string>

namespace oxcc {

// Replaces this process with `command` (no return on success). The exit
// code and the output are then the program's own.
[[noreturn]] void execCommand(const Command &command);

// Runs `command`, waits, and returns its raw wait status (-1 if it could not
// start; `error` says why). stdin/stdout/stderr are inherited.
int spawnAndWait(const Command &command, std::string &error);

// Ends this process the way a child ended: same exit code, or the same
// signal re-raised, so make/ninja see exactly what the compiler did.
[[noreturn]] void exitLike(int waitStatus);

// Runs `command` (path searched on PATH) with stdout captured into `out`;
// true if it ran and exited 0.
bool captureOutput(const Command &command, std::string &out);

// A word for /bin/sh: single-quoted, quotes inside escaped.
std::string shellQuote(const std::string &s);

} // namespace oxcc
