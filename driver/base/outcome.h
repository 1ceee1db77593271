// What happened to one compiler call: a closed set, one value per call, for
// the first reason that applies (a source on an extension's link line is
// compiled again by a child oxcc, which counts itself). The wrapper decides
// it; the store counts it (store/stats.h).
#pragma once

#include <cstdint>

namespace oxcc {

enum class Outcome : uint8_t {
  // Recorded.
  ObjectRecorded,     // a compile: its objects stored
  ExtensionRecorded,  // a shared link of a Python extension
  // Passed through by design: nothing in them to keep.
  NoCompileOrLink,    // no -c/-shared at all (probes, queries, program links): not even parsed
  Preprocess,         // -E, -M, -MM
  AssembleOnly,       // -S
  Query,              // --version, -print-*, -fsyntax-only...
  ProgramLink,        // a link of an executable (configure's conftest)
  SharedLibrary,      // a shared link that is not a Python extension
  CompilerFailed,     // the compiler's exit status was not 0: nothing to record
  // Passed through because oxcc would have had to guess.
  ResponseFileUnreadable,
  OptionMissingValue,
  NoInputFiles,
  SeveralSourcesWithOutput,
  CompileWithoutSource,
  PartialLink,        // -r
  ByPlugin,           // a plugin's classify hook passed it through
  // Tried and failed: a warning was printed (an error under OXCC_STRICT).
  NotElfObject,       // LTO bitcode, a non-ELF target
  RecordFailed,
  kCount
};

// Its name in the stats file and `oxcc list --stats`, and one line saying what it means.
const char *outcomeName(Outcome o);
const char *outcomeMeaning(Outcome o);

} // namespace oxcc
