#include "store.h"
#include "base/environment.h"

#include "base/fs.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>

namespace oxcc {

std::string Store::defaultRoot() {
  const Environment &env = environment();
  if (!env.store.empty()) return absolutePath(env.store);
  if (!env.xdgCacheHome.empty()) return env.xdgCacheHome + "/oxcc/store";
  return (env.home.empty() ? std::string("/tmp") : env.home) + "/.cache/oxcc/store";
}

bool Store::open(bool create, std::string &error) {
  std::string marker = root_ + "/oxcc-store";
  std::string err;
  if (auto text = readFile(marker, err)) {
    std::string layout = text->substr(0, text->find('\n'));
    if (layout != kStoreLayout) {
      error = "store " + root_ + " has layout '" + layout + "', this oxcc reads " + kStoreLayout +
              " (point OXCC_STORE at another directory)";
      return false;
    }
    return true; // the marker is written last, so the layout is complete
  } else if (!create && !fileExists(root_)) {
    return true; // nothing recorded yet: every reader sees an empty store
  } else if (fileExists(marker) || !create) {
    // Present but unreadable, or absent when we may not create it.
    error = "cannot use store " + root_ + ": " + err +
            " (set OXCC_STORE to a readable, writable directory)";
    return false;
  }
  for (const char *sub : {"/objects", "/extensions", "/compilers", "/tmp"})
    if (!makeDirs(root_ + sub, err)) {
      error = "cannot use store " + root_ + ": " + err +
              " (set OXCC_STORE to a writable directory)";
      return false;
    }
  if (!fileExists(marker) &&
      !writeFileAtomic(marker, std::string(kStoreLayout) + "\n", tmpDir(), err)) {
    error = "cannot use store " + root_ + ": " + err;
    return false;
  }
  return true;
}

std::string Store::objectPath(const std::string &id, const char *ext) const {
  return root_ + "/objects/" + id.substr(0, 2) + "/" + id + ext;
}

std::string Store::objectRecordPath(const std::string &id) const { return objectPath(id, ".yaml"); }

std::string Store::extensionDir(const std::string &module) const {
  return root_ + "/extensions/" + module;
}

bool Store::putBlob(const std::string &id, std::string_view bytes, const char *ext,
                    std::string &error) {
  std::string path = objectPath(id, ext);
  // Same id, same bytes: a copy already there (from this or another build)
  // is as good as ours. Its mtime is refreshed, because `oxcc store gc`
  // spares files used within its grace period; if gc took it away between
  // the check and now, it is written again (docs/reliability.md).
  if (fileExists(path) && refreshMtime(path)) return true;
  return makeDirs(dirName(path), error) && writeFileAtomic(path, bytes, tmpDir(), error, 0444);
}

bool Store::refreshMtime(const std::string &path) {
  // Only ENOENT means "gone": a file we may not touch (a store shared
  // read-only) is still there, and still good.
  return utimensat(AT_FDCWD, path.c_str(), nullptr, 0) == 0 || errno != ENOENT;
}

bool Store::putObjectRecord(const ObjectRecord &r, std::string &error) {
  std::string path = objectRecordPath(r.id);
  return makeDirs(dirName(path), error) && writeFileAtomic(path, toYaml(r), tmpDir(), error);
}

bool Store::putExtension(const ExtensionRecord &r, std::string &error) {
  std::string dir = extensionDir(r.module);
  return makeDirs(dir, error) &&
         writeFileAtomic(dir + "/" + r.outputSha256 + ".yaml", toYaml(r), tmpDir(), error);
}

std::vector<std::string> Store::allObjectIds() const {
  std::vector<std::string> ids;
  for (const auto &shard : listDir(root_ + "/objects"))
    for (const auto &file : listDir(root_ + "/objects/" + shard))
      if (file.ends_with(".yaml")) ids.push_back(file.substr(0, file.size() - 5));
  return ids;
}

std::string Store::cachedValue(const std::string &key) const {
  std::string err;
  auto v = readFile(root_ + "/compilers/" + key, err);
  return v ? *v : "";
}

void Store::cacheValue(const std::string &key, const std::string &value) const {
  std::string err; // a cache: failing to write it only costs time later
  writeFileAtomic(root_ + "/compilers/" + key, value, tmpDir(), err);
}


} // namespace oxcc
