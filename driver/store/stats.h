// What happened to each compiler call, counted in the store as ccache
// counts its statistics: `oxcc list --stats` answers "what did this build
// record, what not, and why?".
#pragma once

#include "base/outcome.h"

#include <string>
#include <vector>

namespace oxcc {

// Adds 1 to `o`'s counter in one of 16 shards, STORE_ROOT/stats.<pid % 16>,
// under an exclusive lock on that shard only (many oxcc processes at once,
// as ccache shards its statistics). Only in an existing store: counting
// creates nothing else. Counting must never fail a build: errors are ignored.
void countOutcome(const std::string &storeRoot, Outcome o);

// The counters, by outcome, summed over the shards (zeros for a store that
// never counted).
std::vector<uint64_t> readOutcomes(const std::string &storeRoot);

} // namespace oxcc
