// oxcc store verify: every manifest parses, every object it names is there
// and hashes to what its record says.
// oxcc store gc: removes the objects no extension record references.
#include "base/fs.h"
#include "store/store.h"
#include "oxcc-tools/commands.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace oxcc {

// Every stored file an extension record names: its objects, foreign
// objects and archives, and the build-local archives captured at its link.
static std::vector<std::string> storedIds(const ExtensionRecord &e) {
  std::vector<std::string> ids = e.objects;
  ids.insert(ids.end(), e.extraObjects.begin(), e.extraObjects.end());
  ids.insert(ids.end(), e.archives.begin(), e.archives.end());
  for (const auto &[name, id] : e.capturedLibraries) ids.push_back(id);
  return ids;
}

static int verify(Store &store) {
  std::vector<std::string> problems;
  size_t objects = 0;
  for (const auto &id : store.allObjectIds()) {
    std::string err;
    auto rec = store.readObjectRecord(id, err);
    if (!rec) {
      problems.push_back(err);
      continue;
    }
    ++objects;
    if (rec->id != id) {
      problems.push_back(store.objectRecordPath(id) + " says id " + rec->id);
      continue;
    }
    std::string path = store.objectPath(id, ".o");
    if (!fileExists(path)) path = store.objectPath(id, ".a");
    auto bytes = readFile(path, err);
    if (!bytes) {
      problems.push_back("object " + id + " is missing: " + err);
      continue;
    }
    std::string want = rec->storedSha256.empty() ? rec->id : rec->storedSha256;
    if (sha256Hex(*bytes) != want) problems.push_back(path + " does not hash to its record");
  }

  std::vector<std::string> errors;
  auto exts = store.allExtensions(errors);
  problems.insert(problems.end(), errors.begin(), errors.end());
  for (const auto &e : exts)
    for (const auto &id : storedIds(e))
      if (!fileExists(store.objectRecordPath(id)))
        problems.push_back("extension " + e.module + " names object " + id +
                           ", which the store does not hold");

  for (const auto &p : problems) fprintf(stderr, "oxcc: error: %s\n", p.c_str());
  printf("store %s: %zu objects, %zu extension records, %zu problems\n", store.root().c_str(),
         objects, exts.size(), problems.size());
  return problems.empty() ? 0 : 1;
}

// --- gc -------------------------------------------------------------------
//
// Why a grace period, not locks: writers (every compiler call) never lock,
// and a compile writes its object and record long before the link that
// writes the extension record referencing them. An object is therefore
// "unreferenced" for a while in every running build. gc spares every file
// whose mtime is within the grace period (default 24 h), and writers refresh
// the mtime of a file they reuse instead of writing it (Store::putBlob), so
// "old" means "nobody wrote or reused it for the whole period".
//
// That check and the unlink are not one atomic step, so each victim is first
// renamed into tmp/ (atomic: a writer either finds the file in place, or
// finds it gone and writes it again), then its mtime is read again: a writer
// that refreshed it just before the rename makes it young, and gc puts it
// back. A record goes before its blob, so a crash of gc leaves at worst a
// blob without record (an orphan, collected next time), never a record
// without its object. Extension records are the roots and are never removed.

namespace {

struct GcOptions {
  bool dryRun = false;
  int64_t graceNs = 24 * 3600 * 1000000000LL;
};

// "90" (seconds), "30s", "15m", "24h", "7d".
bool parseDuration(const std::string &text, int64_t &ns) {
  if (text.empty()) return false;
  size_t digits = 0;
  while (digits < text.size() && isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 9) return false;
  int64_t n = std::stoll(text.substr(0, digits));
  std::string unit = text.substr(digits);
  int64_t scale = unit == "" || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600
                : unit == "d" ? 86400 : 0;
  if (!scale) return false;
  ns = n * scale * 1000000000LL;
  return true;
}

int64_t mtimeNs(const std::string &path, int64_t &size) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return -1;
  size = st.st_size;
  return int64_t(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
}

enum class Taken { Freed, Young, Gone };

// Renames `path` aside, re-reads its mtime, and either deletes it or puts it
// back (see the protocol above).
Taken takeAway(const Store &store, const std::string &path, int64_t cutoffNs, int64_t &freed) {
  std::string aside = store.tmpDir() + "/gc-" + std::to_string(getpid()) + "-" + baseName(path);
  if (rename(path.c_str(), aside.c_str()) != 0) return Taken::Gone;
  int64_t size = 0;
  if (mtimeNs(aside, size) >= cutoffNs) {
    // A writer used it meanwhile. If a writer has already written it again
    // (link fails: EEXIST), theirs is as good: drop ours.
    if (link(aside.c_str(), path.c_str()) != 0 && errno != EEXIST) {
      rename(aside.c_str(), path.c_str());
      return Taken::Young;
    }
    unlink(aside.c_str());
    return Taken::Young;
  }
  unlink(aside.c_str());
  freed += size;
  return Taken::Freed;
}

std::string humanBytes(int64_t n) {
  char buf[32];
  if (n >= 1 << 20) snprintf(buf, sizeof buf, "%.1f MiB", n / 1048576.0);
  else if (n >= 1 << 10) snprintf(buf, sizeof buf, "%.1f KiB", n / 1024.0);
  else snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(n));
  return buf;
}

} // namespace

static int gc(Store &store, const GcOptions &opt) {
  // The roots: every id any extension record names. A record that cannot
  // be read could name anything, so gc stops rather than guess.
  std::vector<std::string> errors;
  std::set<std::string> referenced;
  for (const auto &e : store.allExtensions(errors))
    for (const auto &id : storedIds(e)) referenced.insert(id);
  if (!errors.empty()) {
    for (const auto &e : errors) fprintf(stderr, "oxcc: error: %s\n", e.c_str());
    return fail(1, "store gc removed nothing: it cannot tell what the records above reference");
  }

  int64_t cutoff = nowNs() - opt.graceNs;
  const char *verb = opt.dryRun ? "would free" : "freed";
  size_t freedObjects = 0, orphans = 0, kept = 0, young = 0, temps = 0;
  int64_t bytes = 0;
  for (const auto &shard : listDir(store.root() + "/objects")) {
    // id -> the files it has in this shard (record and/or blobs).
    std::map<std::string, std::vector<std::string>> files;
    for (const auto &f : listDir(store.root() + "/objects/" + shard)) {
      for (const char *ext : {".yaml", ".o", ".a"})
        if (f.ends_with(ext)) files[f.substr(0, f.size() - strlen(ext))].push_back(f);
    }
    for (const auto &[id, names] : files) {
      if (referenced.count(id)) {
        ++kept;
        continue;
      }
      std::string dir = store.root() + "/objects/" + shard + "/";
      bool isYoung = false;
      int64_t size = 0, total = 0;
      for (const auto &n : names) {
        isYoung |= mtimeNs(dir + n, size) >= cutoff;
        total += size;
      }
      if (isYoung) {
        ++young;
        continue;
      }
      bool hasRecord = names.front().ends_with(".yaml") || fileExists(dir + id + ".yaml");
      std::string what = "orphan";
      if (hasRecord) {
        std::string err;
        auto rec = store.readObjectRecord(id, err);
        what = rec ? (rec->origin == Origin::Foreign ? "foreign " + rec->output : rec->source)
                   : "unreadable record";
      }
      if (opt.dryRun) {
        bytes += total;
      } else {
        // The record first (see above), then the blobs.
        bool gone = true;
        int64_t freed = 0;
        std::vector<std::string> order;
        for (const auto &n : names) if (n.ends_with(".yaml")) order.push_back(n);
        for (const auto &n : names) if (!n.ends_with(".yaml")) order.push_back(n);
        for (const auto &n : order)
          if (takeAway(store, dir + n, cutoff, freed) == Taken::Young) {
            gone = false;
            break;
          }
        bytes += freed;
        if (!gone) {
          ++young;
          continue;
        }
      }
      ++(hasRecord ? freedObjects : orphans);
      printf("%s %s %s (%s)\n", verb, id.c_str(), what.c_str(), humanBytes(total).c_str());
    }
  }
  // Temporaries of writers that died before their rename (a crash or a kill).
  for (const auto &t : listDir(store.tmpDir())) {
    int64_t size = 0;
    std::string path = store.tmpDir() + "/" + t;
    if (mtimeNs(path, size) >= cutoff) continue;
    if (!opt.dryRun && unlink(path.c_str()) != 0) continue;
    ++temps;
    bytes += size;
  }
  printf("store %s: %s %zu objects, %zu orphan files, %zu temporaries (%s); kept %zu referenced, "
         "%zu recent (grace %llds)\n",
         store.root().c_str(), verb, freedObjects, orphans, temps, humanBytes(bytes).c_str(), kept,
         young, static_cast<long long>(opt.graceNs / 1000000000LL));
  return 0;
}

static const char *kStoreUsage =
    "usage: oxcc store verify\n"
    "       oxcc store gc [--dry-run] [--grace DURATION]   (DURATION: 90s, 30m, 24h, 7d; default 24h)";

int toolStore(const Args &args) {
  if (args.empty() || (args[0] != "verify" && args[0] != "gc")) return fail(2, kStoreUsage);
  GcOptions gcOpt;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (args[0] == "gc" && a == "--dry-run") {
      gcOpt.dryRun = true;
    } else if (args[0] == "gc" && (a == "--grace" || a.starts_with("--grace="))) {
      std::string v = a == "--grace" ? (i + 1 < args.size() ? args[++i] : "") : a.substr(8);
      if (!parseDuration(v, gcOpt.graceNs))
        return fail(2, "--grace '" + v + "' is not a duration (e.g. 90s, 30m, 24h, 7d)");
    } else {
      return fail(2, "unknown argument '" + a + "'\n" + kStoreUsage);
    }
  }
  Store store(Store::defaultRoot());
  std::string error;
  if (!store.open(false, error)) return fail(1, error);
  return args[0] == "verify" ? verify(store) : gc(store, gcOpt);
}

} // namespace oxcc
