// What happened to each compiler call, counted in the store as ccache
// counts its statistics: `oxcc list --stats` answers "what did this build
// record, what not, and why?". One closed set of outcomes; a call counts
// once, for the first reason that applies (a source on an extension's link
// line is compiled again by a child oxcc, which counts itself).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

// Adds 1 to `o`'s counter in one of 16 shards, STORE_ROOT/stats.<pid % 16>,
// under an exclusive lock on that shard only (many oxcc processes at once,
// as ccache shards its statistics). Only in an existing store: counting
// creates nothing else. Counting must never fail a build: errors are ignored.
void countOutcome(const std::string &storeRoot, Outcome o);

// The counters, by outcome, summed over the shards (zeros for a store that
// never counted).
std::vector<uint64_t> readOutcomes(const std::string &storeRoot);

} // namespace oxcc
