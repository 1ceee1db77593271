#include "stats.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oxcc {

namespace {

// The stats file: one "name count" line per outcome, in Outcome order.
std::vector<uint64_t> parse(std::string_view text) {
  std::vector<uint64_t> counts(size_t(Outcome::kCount), 0);
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    size_t space = line.find(' ');
    if (space == std::string_view::npos) continue;
    for (size_t i = 0; i < counts.size(); ++i)
      if (line.substr(0, space) == outcomeName(Outcome(i)))
        counts[i] = std::strtoull(std::string(line.substr(space + 1)).c_str(), nullptr, 10);
  }
  return counts;
}

std::string readAll(int fd) {
  std::string text;
  char buf[4096];
  ssize_t n;
  off_t at = 0;
  while ((n = pread(fd, buf, sizeof buf, at)) > 0) text.append(buf, size_t(n)), at += n;
  return text;
}

} // namespace

constexpr unsigned kShards = 16;

void countOutcome(const std::string &storeRoot, Outcome o) {
  if (o >= Outcome::kCount) return;
  // Only into a store that exists: counting is no reason to create one.
  if (access((storeRoot + "/oxcc-store").c_str(), F_OK) != 0) return;
  std::string shard = storeRoot + "/stats." + std::to_string(unsigned(getpid()) % kShards);
  int fd = open(shard.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (flock(fd, LOCK_EX) == 0) {
    std::vector<uint64_t> counts = parse(readAll(fd));
    ++counts[size_t(o)];
    std::string text;
    for (size_t i = 0; i < counts.size(); ++i)
      if (counts[i]) text += std::string(outcomeName(Outcome(i))) + " " + std::to_string(counts[i]) + "\n";
    // Same or longer than before (counts only grow): no truncation needed,
    // and a reader never sees a shorter file.
    if (pwrite(fd, text.data(), text.size(), 0) == ssize_t(text.size()))
      (void)ftruncate(fd, off_t(text.size()));
  }
  close(fd); // releases the lock
}

std::vector<uint64_t> readOutcomes(const std::string &storeRoot) {
  std::vector<uint64_t> total(size_t(Outcome::kCount), 0);
  for (unsigned i = 0; i < kShards; ++i) {
    int fd = open((storeRoot + "/stats." + std::to_string(i)).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    flock(fd, LOCK_SH);
    std::vector<uint64_t> counts = parse(readAll(fd));
    close(fd);
    for (size_t k = 0; k < total.size(); ++k) total[k] += counts[k];
  }
  return total;
}

} // namespace oxcc
